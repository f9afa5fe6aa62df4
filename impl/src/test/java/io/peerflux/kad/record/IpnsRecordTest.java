package io.peerflux.kad.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.kad.record.pb.IpnsProtos.IpnsEntry;
import io.peerflux.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Creating, verifying and selecting IPNS records, and each way a record can be wrong. */
class IpnsRecordTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Instant EOL = NOW.plus(Duration.ofHours(24));
    static final byte[] VALUE = utf8("/ipfs/bafkqaddwgevxmmraojswg33smq");
    static final PrivateKey ED25519 = PrivateKey.generateEd25519();
    static final PrivateKey ECDSA = PrivateKey.generateEcdsaP256();

    private final IpnsValidator validator = new IpnsValidator();

    @Test
    void createdRecordHoldsWhatWasSignedAndVerifies() throws InvalidRecordException {
        IpnsRecord record = IpnsRecord.create(ED25519, VALUE, 7, EOL, IpnsRecord.DEFAULT_TTL);

        IpnsRecord parsed = IpnsRecord.parse(record.marshal());
        assertThat(parsed.value()).isEqualTo(VALUE);
        assertThat(parsed.sequence()).isEqualTo(7);
        assertThat(parsed.eol()).isEqualTo(EOL);
        assertThat(parsed.ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(parsed.embeddedPublicKey()).as("an Ed25519 name inlines its key").isEmpty();
        parsed.verify(name(ED25519), NOW);
        validator.validate(key(ED25519), record.marshal(), NOW);
    }

    @Test
    void createdRecordCarriesTheV1CompatibilityFields() throws Exception {
        IpnsEntry entry = IpnsEntry.parseFrom(IpnsRecord.create(ED25519, VALUE, 3, EOL, Duration.ofSeconds(1)).marshal());

        assertThat(entry.getValue().toByteArray()).isEqualTo(VALUE);
        assertThat(entry.hasValidityType()).isTrue();
        assertThat(entry.getValidity().toStringUtf8()).isEqualTo("2026-03-02T12:00:00Z");
        assertThat(entry.getSequence()).isEqualTo(3);
        assertThat(entry.getTtl()).isEqualTo(1_000_000_000L);
        assertThat(ED25519.publicKey().verify(IpnsRecord.signatureV1Input(VALUE, entry.getValidity().toByteArray()),
                entry.getSignatureV1().toByteArray())).isTrue();
    }

    @Test
    void keysTheNameCannotInlineAreEmbedded() throws InvalidRecordException {
        IpnsRecord record = IpnsRecord.create(ECDSA, VALUE, 0, EOL, Duration.ZERO);

        assertThat(record.embeddedPublicKey()).contains(ECDSA.publicKey());
        validator.validate(key(ECDSA), record.marshal(), NOW);

        byte[] withoutKey = rewrite(record, entry -> entry.clearPubKey());
        assertInvalid(() -> validator.validate(key(ECDSA), withoutKey, NOW), "does not inline its key");
    }

    @Test
    void secp256k1RecordsVerify() throws InvalidRecordException {
        PrivateKey secp256k1 = PrivateKey.generateSecp256k1();
        validator.validate(key(secp256k1), IpnsRecord.create(secp256k1, VALUE, 1, EOL, Duration.ZERO).marshal(), NOW);
    }

    @Test
    void v2OnlyRecordsVerify() throws InvalidRecordException {
        byte[] v2Only = rewrite(record(), entry -> entry.clearValue().clearSignatureV1().clearValidity()
                .clearValidityType().clearSequence().clearTtl());
        validator.validate(key(ED25519), v2Only, NOW);
    }

    @Test
    void aRecordIsLiveUntilJustBeforeItsEol() throws InvalidRecordException {
        validator.validate(key(ED25519), record().marshal(), EOL.minusNanos(1));
        assertInvalid(() -> validator.validate(key(ED25519), record().marshal(), EOL), "expired");
    }

    @Test
    void anotherNamesRecordIsRejected() {
        assertInvalid(() -> validator.validate(key(PrivateKey.generateEd25519()), record().marshal(), NOW),
                "signatureV2 does not verify");
    }

    @Test
    void anEmbeddedKeyOfAnotherPeerIsRejected() {
        byte[] foreignKey = rewrite(record(), entry -> entry.setPubKey(ByteString.copyFrom(ECDSA.publicKey().marshal())));
        assertInvalid(() -> validator.validate(key(ED25519), foreignKey, NOW), "not to the name");
    }

    @Test
    void aFlippedSignatureBitIsRejected() {
        IpnsRecord record = record();
        byte[] signature = signatureV2(record);
        signature[signature.length / 2] ^= 0x10;
        byte[] flipped = rewrite(record, entry -> entry.setSignatureV2(ByteString.copyFrom(signature)));
        assertInvalid(() -> validator.validate(key(ED25519), flipped, NOW), "signatureV2 does not verify");
    }

    @Test
    void changedDataIsRejectedBecauseTheSignatureCoversIt() {
        byte[] data = DagCbor.encodeMap(fields(VALUE, 8, "2026-03-02T12:00:00Z"));
        byte[] changed = rewrite(record(), entry -> entry.clearSequence().clearValue().clearSignatureV1()
                .setData(ByteString.copyFrom(data)));
        assertInvalid(() -> validator.validate(key(ED25519), changed, NOW), "signatureV2 does not verify");
    }

    @Test
    void eachV1CopyMustMatchData() {
        List<Consumer<IpnsEntry.Builder>> tweaks = List.of(
                entry -> entry.setValue(ByteString.copyFromUtf8("/ipfs/other")),
                entry -> entry.setValidity(ByteString.copyFromUtf8("2026-03-02T12:00:00.5Z")),
                entry -> entry.setValidityTypeValue(1),
                entry -> entry.setSequence(4),
                entry -> entry.setTtl(1),
                entry -> entry.clearTtl());
        List<String> fields = List.of("Value", "Validity", "ValidityType", "Sequence", "TTL", "TTL");
        for (int i = 0; i < tweaks.size(); i++) {
            byte[] tweaked = rewrite(record(), tweaks.get(i));
            assertInvalid(() -> validator.validate(key(ED25519), tweaked, NOW),
                    "V1 protobuf field for " + fields.get(i) + " differs");
        }
    }

    @Test
    void v1CopiesAreNotComparedWithoutValueOrSignatureV1() throws InvalidRecordException {
        byte[] stale = rewrite(record(), entry -> entry.clearValue().clearSignatureV1().setSequence(99));
        validator.validate(key(ED25519), stale, NOW);
    }

    @Test
    void malformedDataIsRejectedEvenWhenSigned() {
        assertInvalid(() -> parse(signed(new byte[] {(byte) 0xa1, 0x61})), "truncated DAG-CBOR");
        assertInvalid(() -> parse(signed(new byte[] {(byte) 0x80})), "is a list, not a map");
        assertInvalid(() -> parse(signed(new byte[] {(byte) 0xbf, (byte) 0xff})), "indefinite");
    }

    @Test
    void dataFieldsMustBePresentWithTheirTypes() {
        Map<String, Object> missingTtl = fields(VALUE, 1, "2026-03-02T12:00:00Z");
        missingTtl.remove("TTL");
        assertInvalid(() -> parse(signed(missingTtl)), "data has no TTL");

        Map<String, Object> textValidity = fields(VALUE, 1, "2026-03-02T12:00:00Z");
        textValidity.put("Validity", 5L);
        assertInvalid(() -> parse(signed(textValidity)), "data[Validity] is not a byte string (found unsigned integer)");

        Map<String, Object> bytesSequence = fields(VALUE, 1, "2026-03-02T12:00:00Z");
        bytesSequence.put("Sequence", new byte[1]);
        assertInvalid(() -> parse(signed(bytesSequence)), "data[Sequence] is not an unsigned integer up to 2^63-1 (found byte string)");

        Map<String, Object> otherValidityType = fields(VALUE, 1, "2026-03-02T12:00:00Z");
        otherValidityType.put("ValidityType", 1L);
        assertInvalid(() -> parse(signed(otherValidityType)), "only 0 (EOL) is defined");

        assertInvalid(() -> parse(signed(fields(VALUE, 1, "tomorrow"))), "not an RFC 3339 timestamp");
    }

    @Test
    void aSequenceBeyond63BitsIsRejected() {
        // Sequence 2^64-1, written by hand: the encoder takes only longs.
        byte[] data = DagCbor.encodeMap(fields(VALUE, 0, "2026-03-02T12:00:00Z"));
        byte[] sequenceKey = utf8("hSequence");
        int at = indexOf(data, sequenceKey) + sequenceKey.length;
        byte[] huge = new byte[data.length + 8];
        System.arraycopy(data, 0, huge, 0, at);
        huge[at] = 0x1b;
        Arrays.fill(huge, at + 1, at + 9, (byte) 0xff);
        System.arraycopy(data, at + 1, huge, at + 9, data.length - at - 1);
        assertInvalid(() -> parse(signed(huge)), "(found unsigned integer over 2^63-1)");
    }

    @Test
    void v1OnlyOrEmptyRecordsAreRejected() {
        assertInvalid(() -> parse(new byte[0]), "no signatureV2");
        assertInvalid(() -> parse(rewrite(record(), entry -> entry.clearData())), "no data");
        assertInvalid(() -> parse(rewrite(record(), entry -> entry.clearSignatureV2())), "no signatureV2");
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] whole = IpnsRecord.create(ECDSA, VALUE, 1, EOL, Duration.ZERO).marshal();
        for (int length = 0; length < whole.length; length++) {
            byte[] truncated = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> validator.validate(key(ECDSA), truncated, NOW))
                    .as("first %d of %d bytes", length, whole.length)
                    .isInstanceOf(InvalidRecordException.class);
        }
    }

    @Test
    void aBadPubKeyIsRejected() {
        byte[] bad = rewrite(record(), entry -> entry.setPubKey(ByteString.copyFrom(new byte[] {8, 1, 18, 1, 0})));
        assertInvalid(() -> parse(bad), "pubKey is not a valid public key");
    }

    @Test
    void recordsOverTenKibAreNeitherReadNorMade() {
        byte[] nearLimit = IpnsRecord.create(ED25519, new byte[4 * 1024], 0, EOL, Duration.ZERO).marshal();
        byte[] padded = rewrite(record(), entry -> entry.setValue(ByteString.copyFrom(new byte[IpnsRecord.MAX_SIZE])));
        assertThat(nearLimit.length).isLessThanOrEqualTo(IpnsRecord.MAX_SIZE);
        assertInvalid(() -> parse(padded), "exceeds the limit of 10240");
        assertThatThrownBy(() -> IpnsRecord.create(ED25519, new byte[5 * 1024], 0, EOL, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over the limit");
    }

    @Test
    void createRejectsWhatARecordCannotHold() {
        assertThatThrownBy(() -> IpnsRecord.create(ED25519, VALUE, -1, EOL, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpnsRecord.create(ED25519, VALUE, 0, EOL, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpnsRecord.create(ED25519, VALUE, 0, Instant.parse("+10000-01-01T00:00:00Z"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectPrefersHigherSequenceThenLaterEolWhateverTheOrder() {
        byte[] old = IpnsRecord.create(ED25519, VALUE, 1, EOL.plus(Duration.ofHours(1)), Duration.ZERO).marshal();
        byte[] newer = IpnsRecord.create(ED25519, VALUE, 2, EOL, Duration.ZERO).marshal();
        byte[] newerLonger = IpnsRecord.create(ED25519, VALUE, 2, EOL.plusNanos(1), Duration.ZERO).marshal();

        assertThat(validator.select(key(ED25519), List.of(old, newer))).isEqualTo(1);
        assertThat(validator.select(key(ED25519), List.of(newer, old))).isZero();
        assertThat(validator.select(key(ED25519), List.of(old, newerLonger, newer))).isEqualTo(1);
        assertThat(validator.select(key(ED25519), List.of(newer, old, newerLonger))).isEqualTo(2);
    }

    @Test
    void selectBreaksFullTiesByBytesSoEveryOrderAgrees() {
        byte[] a = IpnsRecord.create(ED25519, utf8("/ipfs/a"), 5, EOL, Duration.ZERO).marshal();
        byte[] b = IpnsRecord.create(ED25519, utf8("/ipfs/b"), 5, EOL, Duration.ZERO).marshal();
        byte[] greater = Arrays.compareUnsigned(a, b) > 0 ? a : b;

        assertThat(List.of(a, b).get(validator.select(key(ED25519), List.of(a, b)))).isSameAs(greater);
        assertThat(List.of(b, a).get(validator.select(key(ED25519), List.of(b, a)))).isSameAs(greater);
        assertThat(validator.select(key(ED25519), List.of(a, a.clone()))).as("identical: the first").isZero();
    }

    @Test
    void selectNeedsReadableValues() {
        assertThatThrownBy(() -> validator.select(key(ED25519), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> validator.select(key(ED25519), List.of(record().marshal(), new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value 1");
    }

    @Test
    void expiryIsTheEarlierOfEolAnd48Hours() {
        byte[] soon = record().marshal();
        byte[] late = IpnsRecord.create(ED25519, VALUE, 0, NOW.plus(Duration.ofDays(365)), Duration.ZERO).marshal();

        assertThat(validator.expiry(key(ED25519), soon, NOW)).isEqualTo(EOL);
        assertThat(validator.expiry(key(ED25519), late, NOW)).isEqualTo(NOW.plus(Duration.ofHours(48)));
    }

    @Test
    void keysOutsideTheNamespaceOrWithoutANameAreRejected() {
        byte[] value = record().marshal();
        assertInvalid(() -> validator.validate(utf8("/pk/x"), value, NOW), "does not start with /ipns/");
        assertInvalid(() -> validator.validate(utf8("/ipns/"), value, NOW), "does not hold an IPNS name");
        assertInvalid(() -> validator.validate(utf8("/ipns/example.com"), value, NOW), "does not hold an IPNS name");
    }

    static IpnsRecord record() {
        return IpnsRecord.create(ED25519, VALUE, 3, EOL, IpnsRecord.DEFAULT_TTL);
    }

    static PeerId name(PrivateKey key) {
        return PeerId.fromPublicKey(key.publicKey());
    }

    static byte[] key(PrivateKey key) {
        byte[] prefix = utf8("/ipns/");
        byte[] id = name(key).bytes();
        byte[] routingKey = Arrays.copyOf(prefix, prefix.length + id.length);
        System.arraycopy(id, 0, routingKey, prefix.length, id.length);
        return routingKey;
    }

    /** The five fields as a publisher writes them, TTL zero, to edit before {@link #signed}. */
    static Map<String, Object> fields(byte[] value, long sequence, String validity) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Value", value);
        fields.put("Validity", utf8(validity));
        fields.put("ValidityType", 0L);
        fields.put("Sequence", sequence);
        fields.put("TTL", 0L);
        return fields;
    }

    /** A V2-only record with these fields, correctly signed by {@link #ED25519}. */
    static byte[] signed(Map<String, Object> fields) {
        return signed(DagCbor.encodeMap(fields));
    }

    /** A V2-only record with this data, whatever it is, correctly signed by {@link #ED25519}. */
    static byte[] signed(byte[] data) {
        byte[] input = Arrays.copyOf(utf8("ipns-signature:"), 15 + data.length);
        System.arraycopy(data, 0, input, 15, data.length);
        return IpnsEntry.newBuilder()
                .setData(ByteString.copyFrom(data))
                .setSignatureV2(ByteString.copyFrom(ED25519.sign(input)))
                .build().toByteArray();
    }

    static byte[] rewrite(IpnsRecord record, Consumer<IpnsEntry.Builder> change) {
        try {
            IpnsEntry.Builder entry = IpnsEntry.parseFrom(record.marshal()).toBuilder();
            change.accept(entry);
            return entry.build().toByteArray();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] signatureV2(IpnsRecord record) {
        try {
            return IpnsEntry.parseFrom(record.marshal()).getSignatureV2().toByteArray();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static IpnsRecord parse(byte[] bytes) throws InvalidRecordException {
        return IpnsRecord.parse(bytes);
    }

    private static void assertInvalid(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(InvalidRecordException.class).hasMessageContaining(message);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
