package io.peerflux.peer;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link PeerId#parse(String)} (of the input read as UTF-8) rejects it with an
 * {@link IllegalArgumentException} or returns an id that round-trips. See docs/fuzzing.md.
 */
class PeerIdTextFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        PeerId id;
        try {
            id = PeerId.parse(new String(input, UTF_8));
        } catch (IllegalArgumentException rejected) {
            return;
        }
        PeerIdBinaryFuzzerTest.assertRoundTrips(id);
    }
}
