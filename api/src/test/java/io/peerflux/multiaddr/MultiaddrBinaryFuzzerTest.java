package io.peerflux.multiaddr;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link Multiaddr#of(byte[])} rejects input with an {@link IllegalArgumentException} or returns
 * an address that round-trips through both forms. Without {@code JAZZER_FUZZ} it replays its corpus; see
 * docs/fuzzing.md.
 */
class MultiaddrBinaryFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        Multiaddr addr;
        try {
            addr = Multiaddr.of(input);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(addr.bytes()).isEqualTo(input);
        assertRoundTrips(addr);
    }

    static void assertRoundTrips(Multiaddr addr) {
        assertThat(Multiaddr.of(addr.bytes())).isEqualTo(addr);
        assertThat(Multiaddr.of(addr.toString())).isEqualTo(addr);
        assertThat(Multiaddr.of(addr.toString()).toString()).isEqualTo(addr.toString());
    }
}
