package io.peerflux.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KadIdTest {

    @Property
    void commonPrefixLengthCountsTheLeadingZerosOfTheXor(@ForAll("points") byte[] a, @ForAll("points") byte[] b) {
        BigInteger xor = big(a).xor(big(b));
        assertThat(KadId.fromDigest(a).commonPrefixLength(KadId.fromDigest(b))).isEqualTo(256 - xor.bitLength());
    }

    @Property
    void compareDistanceOrdersAsTheXorNumbers(@ForAll("points") byte[] target, @ForAll("points") byte[] a,
                                              @ForAll("points") byte[] b) {
        int expected = big(target).xor(big(a)).compareTo(big(target).xor(big(b)));
        int actual = KadId.fromDigest(target).compareDistance(KadId.fromDigest(a), KadId.fromDigest(b));
        assertThat(Integer.signum(actual)).isEqualTo(expected);
        assertThat(KadId.fromDigest(target).distance(KadId.fromDigest(a)).bytes())
                .isEqualTo(fixed(big(target).xor(big(a))));
    }

    @Property
    void compareToIsUnsigned(@ForAll("points") byte[] a, @ForAll("points") byte[] b) {
        assertThat(Integer.signum(KadId.fromDigest(a).compareTo(KadId.fromDigest(b))))
                .isEqualTo(big(a).compareTo(big(b)));
    }

    @Property
    void withPrefixOfSharesExactlyThatManyBits(@ForAll("points") byte[] self, @ForAll("points") byte[] random,
                                               @ForAll @IntRange(max = 255) int index) {
        KadId me = KadId.fromDigest(self);
        KadId other = me.withPrefixOf(index, KadId.fromDigest(random));
        assertThat(me.commonPrefixLength(other)).isEqualTo(index);
        // The bits after the flipped one are random's.
        BigInteger lowMask = BigInteger.ONE.shiftLeft(255 - index).subtract(BigInteger.ONE);
        assertThat(big(other.bytes()).and(lowMask)).isEqualTo(big(random).and(lowMask));
    }

    @Property
    void bytesRoundTrip(@ForAll("points") byte[] digest) {
        KadId id = KadId.fromDigest(digest);
        assertThat(id.bytes()).isEqualTo(digest);
        assertThat(KadId.fromDigest(id.bytes())).isEqualTo(id).hasSameHashCodeAs(id);
        assertThat(id.commonPrefixLength(id)).isEqualTo(KadId.BITS);
    }

    @Test
    void ofIsTheSha256OfTheKey() throws Exception {
        byte[] key = KadFixtures.bytes("hello");
        assertThat(KadId.of(key).bytes()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(key));
        assertThat(KadId.of(key).toString()).startsWith("2cf24dba5fb0a30e");
    }

    @Test
    void rejectsWrongLengthsAndIndexes() {
        assertThatThrownBy(() -> KadId.fromDigest(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        KadId zero = KadId.fromDigest(new byte[32]);
        assertThatThrownBy(() -> zero.withPrefixOf(256, zero)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> zero.withPrefixOf(-1, zero)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Random points, and points near each other (long shared prefixes, so every word gets compared). */
    @Provide
    Arbitrary<byte[]> points() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofSize(32);
        Arbitrary<byte[]> sparse = Combinators.combine(Arbitraries.integers().between(0, 31),
                Arbitraries.bytes()).as((at, b) -> {
                    byte[] out = new byte[32];
                    out[at] = b;
                    return out;
                });
        return Arbitraries.oneOf(random, sparse);
    }

    private static BigInteger big(byte[] b) {
        return new BigInteger(1, b);
    }

    private static byte[] fixed(BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }
}
