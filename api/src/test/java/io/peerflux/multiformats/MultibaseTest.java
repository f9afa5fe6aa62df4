package io.peerflux.multiformats;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class MultibaseTest {

    /** multiformats/multibase tests/basic.csv, the rows Peerflux supports. */
    @ParameterizedTest
    @CsvSource({
        "BASE16, f796573206d616e692021",
        "BASE32, bpfsxgidnmfxgsibb",
        "BASE32UPPER, BPFSXGIDNMFXGSIBB",
        "BASE58BTC, z7paNL19xttacUY",
        "BASE64, meWVzIG1hbmkgIQ",
        "BASE64URL, ueWVzIG1hbmkgIQ",
    })
    void specBasicVectors(Multibase base, String text) {
        byte[] data = "yes mani !".getBytes(US_ASCII);
        assertThat(base.encode(data)).isEqualTo(text);
        assertThat(Multibase.decode(text)).isEqualTo(data);
        assertThat(Multibase.forPrefix(text.charAt(0))).isEqualTo(base);
    }

    /** multiformats/multibase tests/two_leading_zeros.csv: leading zero bytes survive every base. */
    @ParameterizedTest
    @CsvSource({
        "BASE16, f0000796573206d616e692021",
        "BASE32, baaahszltebwwc3tjeaqq",
        "BASE32UPPER, BAAAHSZLTEBWWC3TJEAQQ",
        "BASE58BTC, z117paNL19xttacUY",
        "BASE64, mAAB5ZXMgbWFuaSAh",
        "BASE64URL, uAAB5ZXMgbWFuaSAh",
    })
    void specTwoLeadingZerosVectors(Multibase base, String text) {
        byte[] data = "\0\0yes mani !".getBytes(US_ASCII);
        assertThat(base.encode(data)).isEqualTo(text);
        assertThat(Multibase.decode(text)).isEqualTo(data);
    }

    /** multiformats/multibase tests/case_insensitivity.csv: base16 and base32 decoding ignore case. */
    @ParameterizedTest
    @CsvSource({"f68656c6c6f20776F726C64", "bnbswy3dpeB3W64TMMQ", "Bnbswy3dpeB3W64TMMQ"})
    void specCaseInsensitivityVectors(String text) {
        assertThat(Multibase.decode(text)).isEqualTo("hello world".getBytes(US_ASCII));
    }

    /** RFC 4648 section 10 test vectors, without padding. */
    @ParameterizedTest
    @CsvSource({
        "'', '', '', ''",
        "f, my, Zg, 66",
        "fo, mzxq, Zm8, 666f",
        "foo, mzxw6, Zm9v, 666f6f",
        "foob, mzxw6yq, Zm9vYg, 666f6f62",
        "fooba, mzxw6ytb, Zm9vYmE, 666f6f6261",
        "foobar, mzxw6ytboi, Zm9vYmFy, 666f6f626172",
    })
    void rfc4648Vectors(String input, String base32, String base64, String base16) {
        byte[] data = input.getBytes(US_ASCII);
        assertThat(Multibase.BASE32.encodeBare(data)).isEqualTo(base32);
        assertThat(Multibase.BASE32UPPER.encodeBare(data)).isEqualTo(base32.toUpperCase());
        assertThat(Multibase.BASE64.encodeBare(data)).isEqualTo(base64);
        assertThat(Multibase.BASE64URL.encodeBare(data)).isEqualTo(base64);
        assertThat(Multibase.BASE16.encodeBare(data)).isEqualTo(base16);
        assertThat(Multibase.BASE32.decodeBare(base32)).isEqualTo(data);
        assertThat(Multibase.BASE64.decodeBare(base64)).isEqualTo(data);
        assertThat(Multibase.BASE16.decodeBare(base16)).isEqualTo(data);
    }

    @Test
    void base64AlphabetsDifferInTheirLastTwoCharacters() {
        byte[] data = HexFormat.of().parseHex("fbff");
        assertThat(Multibase.BASE64.encode(data)).isEqualTo("m+/8");
        assertThat(Multibase.BASE64URL.encode(data)).isEqualTo("u-_8");
    }

    @Test
    void base58Vectors() {
        assertThat(Multibase.BASE58BTC.encodeBare("Hello World!".getBytes(US_ASCII))).isEqualTo("2NEpo7TZRRrLZSi2U");
        assertThat(Multibase.BASE58BTC.decodeBare("2NEpo7TZRRrLZSi2U")).isEqualTo("Hello World!".getBytes(US_ASCII));
        assertThat(Multibase.BASE58BTC.encodeBare(new byte[0])).isEmpty();
        assertThat(Multibase.BASE58BTC.encodeBare(new byte[3])).isEqualTo("111");
        assertThat(Multibase.BASE58BTC.decodeBare("111")).isEqualTo(new byte[3]);
        assertThat(Multibase.BASE58BTC.encodeBare(new byte[] {0, 0, 57})).isEqualTo("11z");
        assertThat(Multibase.BASE58BTC.encodeBare(new byte[] {58})).isEqualTo("21");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| empty multibase string",
        "x1234| unknown or unsupported multibase prefix 'x'",
        "Mzg==| unknown or unsupported multibase prefix 'M'",
        "z0OIl| invalid base58btc character '0' at index 1",
        "zabcI| invalid base58btc character 'I' at index 4",
        "bmzx1| invalid base32 character '1' at index 4",
        "bm| invalid base32 length 1",
        "bmz| non-canonical base32",
        "mZg==| invalid base64 character '=' at index 3",
        "mZh| non-canonical base64",
        "mZm9vY| invalid base64 length 5",
        "uZm9+| invalid base64url character '+' at index 4",
        "f6| invalid base16 length 1",
        "f6g00| invalid base16 character 'g' at index 2",
    })
    void rejectsInvalidTextSayingWhatAndWhere(String text, String message) {
        assertThatThrownBy(() -> Multibase.decode(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void namesNonAsciiCharacters() {
        assertThatThrownBy(() -> Multibase.decode("z1é")).hasMessageContaining("U+00E9 at index 2");
    }

    @Test
    void refusesOverlongBase58() {
        assertThatThrownBy(() -> Multibase.BASE58BTC.decodeBare("2".repeat(Base58.MAX_DECODE_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the limit");
    }

    @Property
    void roundTripsInEveryBase(@ForAll Multibase base, @ForAll @Size(max = 200) byte[] data) {
        String text = base.encode(data);
        assertThat(text.charAt(0)).isEqualTo(base.prefix());
        assertThat(Multibase.decode(text)).isEqualTo(data);
        assertThat(base.decodeBare(base.encodeBare(data))).isEqualTo(data);
    }

    @Property(tries = 2000)
    void arbitraryTextDecodesCanonicallyOrFailsCleanly(@ForAll Multibase base, @ForAll @Size(max = 60) String bare) {
        checkCanonicalOrRejected(base, bare);
    }

    /** Mostly valid characters of several alphabets, so that many strings get deep into decoding. */
    @Property(tries = 2000)
    void alphabetLikeTextDecodesCanonicallyOrFailsCleanly(
            @ForAll Multibase base, @ForAll @Size(max = 60) @Chars({'0', '1', '2', 'a', 'A', 'f', 'Q', 'z', '7', '8', '/', '_', '-', '='}) String bare) {
        checkCanonicalOrRejected(base, bare);
    }

    /** Strict decoding: whatever decodes re-encodes to the same text (base16/base32 up to case). */
    private static void checkCanonicalOrRejected(Multibase base, String bare) {
        byte[] data;
        try {
            data = Multibase.decode(base.prefix() + bare);
        } catch (IllegalArgumentException expected) {
            return;
        }
        String again = base.encodeBare(data);
        if (base == Multibase.BASE16 || base == Multibase.BASE32 || base == Multibase.BASE32UPPER) {
            assertThat(again).isEqualToIgnoringCase(bare);
        } else {
            assertThat(again).isEqualTo(bare);
        }
    }

    @ParameterizedTest
    @EnumSource(Multibase.class)
    void prefixLooksUpItsBase(Multibase base) {
        assertThat(Multibase.forPrefix(base.prefix())).isSameAs(base);
    }
}
