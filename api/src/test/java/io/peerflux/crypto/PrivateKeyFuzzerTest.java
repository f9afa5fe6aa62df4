package io.peerflux.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link PrivateKey#unmarshal(byte[])} rejects input with an {@link IllegalArgumentException} or
 * returns a working key that encodes back to the same key. See docs/fuzzing.md.
 */
class PrivateKeyFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        PrivateKey key;
        try {
            key = PrivateKey.unmarshal(input);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        // The legacy 96-byte Ed25519 form is accepted but never written, so compare canonical encodings.
        byte[] marshalled = key.marshal();
        PrivateKey again = PrivateKey.unmarshal(marshalled);
        assertThat(again.marshal()).isEqualTo(marshalled);
        assertThat(again.publicKey()).isEqualTo(key.publicKey());
        assertThat(PublicKey.unmarshal(key.publicKey().marshal())).isEqualTo(key.publicKey());
        byte[] message = {1, 2, 3};
        assertThat(key.publicKey().verify(message, key.sign(message))).isTrue();
    }
}
