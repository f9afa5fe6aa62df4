package io.peerflux.kad.record;

import static io.peerflux.kad.record.IpnsRecordTest.ECDSA;
import static io.peerflux.kad.record.IpnsRecordTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Whatever bytes arrive, the parsers and validators answer valid or InvalidRecordException, nothing else. */
class RecordFuzzTest {

    private static final byte[] ECDSA_RECORD =
            IpnsRecord.create(ECDSA, IpnsRecordTest.VALUE, 9, IpnsRecordTest.EOL, Duration.ofMinutes(1)).marshal();
    private static final byte[] DATA = DagCbor.encodeMap(IpnsRecordTest.fields(IpnsRecordTest.VALUE, 9, "2026-03-02T12:00:00Z"));

    private final Validators validators = Validators.defaults();

    @Property(tries = 2000)
    void randomBytesAreNeverAnIpnsRecord(@ForAll @Size(max = 600) byte[] bytes) {
        assertRejected(() -> validators.validate(IpnsRecordTest.key(ECDSA), bytes, NOW));
    }

    /** Behind a valid start anything may follow, even unknown protobuf fields that keep the record valid. */
    @Property(tries = 2000)
    void bytesAfterARecordsStartParseOrFailTyped(@ForAll("records") byte[] bytes) {
        try {
            validators.validate(IpnsRecordTest.key(ECDSA), bytes, NOW);
        } catch (InvalidRecordException expected) {
            // the only failure allowed
        }
    }

    @Property(tries = 2000)
    void randomBytesDecodeAsDagCborOrFailTyped(@ForAll("cbor") byte[] bytes) {
        try {
            DagCbor.decodeMap(bytes);
        } catch (InvalidRecordException expected) {
            // the only failure allowed
        }
    }

    @Property(tries = 1000)
    void randomKeysAndValuesFailTyped(@ForAll @Size(max = 80) byte[] key, @ForAll @Size(max = 200) byte[] value) {
        assertRejected(() -> validators.validate(key, value, NOW));
    }

    @Property(tries = 1000)
    void randomPublicKeysFailTyped(@ForAll @Size(max = 200) byte[] value) {
        assertRejected(() -> validators.validate(ValidatorsTest.pkKey(ECDSA), value, NOW));
    }

    @Property(tries = 1000)
    void randomTextParsesAsATimestampOrFailsTyped(@ForAll @Size(max = 40) byte[] text) {
        try {
            Rfc3339.parse(new String(text, StandardCharsets.ISO_8859_1));
        } catch (InvalidRecordException expected) {
            // the only failure allowed
        }
    }

    /** A damaged record is rejected, or still says exactly what its signer signed (signatureV1 is not checked). */
    @Property(tries = 2000)
    void damagedRecordsAreRejectedOrUnchangedInMeaning(@ForAll @IntRange(min = 0, max = 10_000) int position,
                                                       @ForAll @IntRange(min = 1, max = 255) int flip) throws InvalidRecordException {
        byte[] damaged = ECDSA_RECORD.clone();
        damaged[position % damaged.length] ^= (byte) flip;
        IpnsRecord original = IpnsRecord.parse(ECDSA_RECORD);
        try {
            validators.validate(IpnsRecordTest.key(ECDSA), damaged, NOW);
        } catch (InvalidRecordException rejected) {
            return;
        }
        IpnsRecord accepted = IpnsRecord.parse(damaged);
        assertThat(accepted.value()).isEqualTo(original.value());
        assertThat(accepted.sequence()).isEqualTo(original.sequence());
        assertThat(accepted.eol()).isEqualTo(original.eol());
        assertThat(accepted.ttl()).isEqualTo(original.ttl());
    }

    @Property(tries = 2000)
    void damagedDataFailsTypedOrStillDecodes(@ForAll @IntRange(min = 0, max = 10_000) int position,
                                             @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] damaged = DATA.clone();
        damaged[position % damaged.length] ^= (byte) flip;
        try {
            Map<String, Object> decoded = DagCbor.decodeMap(damaged);
            assertThat(decoded).isNotNull();
        } catch (InvalidRecordException expected) {
            // the only failure allowed
        }
    }

    /** Random bytes behind some of a valid record's first bytes, to get past the first checks. */
    @Provide
    Arbitrary<byte[]> records() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        return Arbitraries.integers().between(0, ECDSA_RECORD.length).flatMap(keep ->
                random.map(tail -> concat(Arrays.copyOf(ECDSA_RECORD, keep), tail)));
    }

    @Provide
    Arbitrary<byte[]> cbor() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> tailOfValid = Arbitraries.integers().between(0, DATA.length).flatMap(keep ->
                random.map(tail -> concat(Arrays.copyOf(DATA, keep), tail)));
        return Arbitraries.oneOf(random, tailOfValid);
    }

    private static void assertRejected(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(InvalidRecordException.class);
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] joined = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, joined, head.length, tail.length);
        return joined;
    }
}
