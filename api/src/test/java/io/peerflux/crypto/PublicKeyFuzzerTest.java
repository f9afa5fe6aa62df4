package io.peerflux.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link PublicKey#unmarshal(byte[])} rejects input with an {@link IllegalArgumentException} or
 * returns a key whose encoding is exactly the input (decoding is strict). See docs/fuzzing.md.
 */
class PublicKeyFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        PublicKey key;
        try {
            key = PublicKey.unmarshal(input);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(key.marshal()).isEqualTo(input);
        assertThat(PublicKey.unmarshal(key.marshal())).isEqualTo(key);
        assertThat(key.verify(new byte[] {1}, new byte[64])).isFalse();
    }
}
