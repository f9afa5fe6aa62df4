package io.peerflux.multiformats;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link Cid#parse(byte[])} rejects input with an {@link IllegalArgumentException} or returns a
 * CID whose encoding is the input and whose text forms read back as the same CID. See docs/fuzzing.md.
 */
class CidBinaryFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        Cid cid;
        try {
            cid = Cid.parse(input);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(cid.bytes()).isEqualTo(input);
        assertRoundTrips(cid);
    }

    static void assertRoundTrips(Cid cid) {
        assertThat(Cid.parse(cid.bytes())).isEqualTo(cid);
        assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
        if (cid.version() == 1) {
            for (Multibase base : Multibase.values()) {
                assertThat(Cid.parse(cid.toString(base))).as(base.name()).isEqualTo(cid);
            }
        }
    }
}
