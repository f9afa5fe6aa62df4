package io.peerflux.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link PeerId#fromBytes(byte[])} rejects input with an {@link IllegalArgumentException} or
 * returns an id whose forms read back as the same id. See docs/fuzzing.md.
 */
class PeerIdBinaryFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        PeerId id;
        try {
            id = PeerId.fromBytes(input);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(id.bytes()).isEqualTo(input);
        assertRoundTrips(id);
    }

    static void assertRoundTrips(PeerId id) {
        assertThat(PeerId.fromBytes(id.bytes())).isEqualTo(id);
        assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
        id.publicKey().ifPresent(key -> assertThat(id.matches(key)).isTrue());
    }
}
