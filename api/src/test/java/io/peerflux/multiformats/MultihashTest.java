package io.peerflux.multiformats;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultihashTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void sha256OfKnownInput() {
        Multihash hash = Multihash.sha256("hello world".getBytes(US_ASCII));
        assertThat(HEX.formatHex(hash.bytes()))
                .isEqualTo("1220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
        assertThat(Multihash.parse(hash.bytes())).isEqualTo(hash);
        assertThat(hash.encodedLength()).isEqualTo(34);
    }

    @Test
    void identityCarriesTheData() {
        Multihash hash = Multihash.identity(new byte[] {1, 2, 3});
        assertThat(HEX.formatHex(hash.bytes())).isEqualTo("0003010203");
    }

    @Test
    void multiByteCodeAndLength() {
        Multihash hash = Multihash.of(0xb220, new byte[128]); // blake2b-256's code is two varint bytes
        byte[] bytes = hash.bytes();
        assertThat(HEX.formatHex(bytes, 0, 5)).isEqualTo("a0e4028001");
        assertThat(Multihash.parse(bytes)).isEqualTo(hash);
    }

    @Test
    void isImmutableAndComparedByContent() {
        byte[] digest = {1, 2, 3};
        Multihash hash = Multihash.of(Multihash.SHA2_256, digest);
        digest[0] = 9;
        hash.digest()[1] = 9;
        assertThat(hash.digest()).containsExactly(1, 2, 3);
        assertThat(hash).isEqualTo(Multihash.of(0x12, new byte[] {1, 2, 3})).hasSameHashCodeAs(Multihash.of(0x12, new byte[] {1, 2, 3}));
        assertThat(hash).isNotEqualTo(Multihash.of(0x00, new byte[] {1, 2, 3}));
        assertThat(hash).hasToString("Multihash[code=0x12, digest=010203]");
    }

    @Test
    void constructorEnforcesLimits() {
        assertThatThrownBy(() -> Multihash.of(-1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Multihash.identity(new byte[Multihash.MAX_DIGEST_LENGTH + 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds 128");
    }

    @ParameterizedTest
    @CsvSource({
        "'', truncated varint",
        "12, truncated varint",
        "1203aabb, truncated multihash: digest length 3 but 2 byte(s) left",
        "12810100, exceeds 128",
        "1202aabbcc, 1 trailing byte(s) at offset 4",
        "128000, not minimally encoded",
        "8080808010, out of range",
    })
    void parseRejectsMalformed(String hex, String message) {
        assertThatThrownBy(() -> Multihash.parse(HEX.parseHex(hex)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void readAdvancesOnlyOnSuccess() {
        ByteBuffer in = ByteBuffer.wrap(HEX.parseHex("0001aa0003bb"));
        assertThat(Multihash.read(in)).isEqualTo(Multihash.identity(new byte[] {(byte) 0xaa}));
        assertThat(in.position()).isEqualTo(3);
        assertThatThrownBy(() -> Multihash.read(in)).isInstanceOf(IllegalArgumentException.class);
        assertThat(in.position()).isEqualTo(3);
    }

    @Property
    void roundTrips(@ForAll @IntRange(min = 0) int code, @ForAll @Size(max = Multihash.MAX_DIGEST_LENGTH) byte[] digest) {
        Multihash hash = Multihash.of(code, digest);
        byte[] bytes = hash.bytes();
        assertThat(bytes).hasSize(hash.encodedLength());
        assertThat(Multihash.parse(bytes)).isEqualTo(hash);
    }

    @Property(tries = 2000)
    void arbitraryBytesParseCanonicallyOrFailCleanly(@ForAll @Size(max = 200) byte[] bytes) {
        Multihash hash;
        try {
            hash = Multihash.parse(bytes);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertThat(hash.bytes()).isEqualTo(bytes);
    }
}
