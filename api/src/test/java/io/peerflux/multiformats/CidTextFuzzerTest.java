package io.peerflux.multiformats;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link Cid#parse(String)} (of the input read as UTF-8) rejects it with an
 * {@link IllegalArgumentException} or returns a CID that round-trips. See docs/fuzzing.md.
 */
class CidTextFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        Cid cid;
        try {
            cid = Cid.parse(new String(input, UTF_8));
        } catch (IllegalArgumentException rejected) {
            return;
        }
        CidBinaryFuzzerTest.assertRoundTrips(cid);
    }
}
