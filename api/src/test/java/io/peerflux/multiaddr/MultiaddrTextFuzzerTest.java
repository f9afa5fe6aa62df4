package io.peerflux.multiaddr;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link Multiaddr#of(String)} (of the input read as UTF-8) rejects it with an
 * {@link IllegalArgumentException} or returns an address that round-trips through both forms. See docs/fuzzing.md.
 */
class MultiaddrTextFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        Multiaddr addr;
        try {
            addr = Multiaddr.of(new String(input, UTF_8));
        } catch (IllegalArgumentException rejected) {
            return;
        }
        MultiaddrBinaryFuzzerTest.assertRoundTrips(addr);
    }
}
