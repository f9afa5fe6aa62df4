package io.peerflux.multiformats;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link Multihash#parse(byte[])} rejects input with an {@link IllegalArgumentException} or
 * returns a multihash whose encoding is the input. See docs/fuzzing.md.
 */
class MultihashFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        Multihash multihash;
        try {
            multihash = Multihash.parse(input);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(multihash.bytes()).isEqualTo(input);
        assertThat(multihash.encodedLength()).isEqualTo(input.length);
        assertThat(Multihash.parse(multihash.bytes())).isEqualTo(multihash);
    }
}
