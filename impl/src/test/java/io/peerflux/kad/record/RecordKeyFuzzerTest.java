package io.peerflux.kad.record;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link Validators#parseKey} of arbitrary text (the input as UTF-8) returns a key that starts
 * with its namespace and that {@link Validators#formatKey} writes back as text reading as the same key, or throws
 * {@link IllegalArgumentException}. See docs/fuzzing.md.
 */
class RecordKeyFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        String text = new String(input, UTF_8);
        byte[] key;
        try {
            key = Validators.parseKey(text);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        String namespace = text.substring(0, text.indexOf('/', 1) + 1);
        byte[] prefix = namespace.getBytes(UTF_8);
        assertThat(key.length).isGreaterThanOrEqualTo(prefix.length);
        assertThat(new String(key, 0, prefix.length, UTF_8)).isEqualTo(namespace);
        // formatKey is its inverse on the keys it makes.
        assertThat(Validators.parseKey(Validators.formatKey(key))).isEqualTo(key);
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        for (String key : new String[] {"/ipns/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
                "/pk/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "/myapp/some-name"}) {
            seeds.add(target, key.substring(1, key.indexOf('/', 1)), key.getBytes(UTF_8));
        }
        seeds.verifyOrWrite();
    }
}
