package io.peerflux.kad.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.kad.record.pb.IpnsProtos.IpnsEntry;
import io.peerflux.multiformats.Cid;
import io.peerflux.peer.PeerId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The IPNS spec's test vectors ("Appendix: Notes for Implementers", "Test Vectors"), records made by
 * boxo, with the verdicts the spec gives.
 */
class IpnsVectorsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant VECTOR_EOL = Instant.parse("2123-08-14T12:17:03.694052Z");

    private static final String V1 = "k51qzi5uqu5dm4tm0wt8srkg9h9suud4wuiwjimndrkydqm81cqtlb5ak6p7ku_v1";
    private static final String V1_V2 = "k51qzi5uqu5dlkw8pxuw9qmqayfdeh4kfebhmreauqdc6a7c3y7d5i9fi8mk9w_v1-v2";
    private static final String BROKEN_V1_VALUE =
            "k51qzi5uqu5dlmit2tuwdvnx4sbnyqgmvbxftl0eo3f33wwtb9gr7yozae9kpw_v1-v2-broken-v1-value";
    private static final String BROKEN_SIGNATURE_V2 =
            "k51qzi5uqu5diamp7qnnvs1p1gzmku3eijkeijs3418j23j077zrkok63xdm8c_v1-v2-broken-signature-v2";
    private static final String BROKEN_SIGNATURE_V1 =
            "k51qzi5uqu5dilgf7gorsh9vcqqq4myo6jd4zmqkuy9pxyxi5fua3uf7axph4y_v1-v2-broken-signature-v1";
    private static final String V2 = "k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f_v2";

    private final IpnsValidator validator = new IpnsValidator();

    @Test
    void v1OnlyIsInvalid() {
        assertThatThrownBy(() -> validator.validate(key(V1), record(V1), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("V1-only");
    }

    @Test
    void v1AndV2IsValid() throws InvalidRecordException {
        validator.validate(key(V1_V2), record(V1_V2), NOW);
        IpnsRecord record = IpnsRecord.parse(record(V1_V2));
        assertThat(text(record.value())).isEqualTo("/ipfs/bafkqaddwgevxmmraojswg33smq");
        assertThat(record.sequence()).isZero();
        assertThat(record.eol()).isEqualTo(VECTOR_EOL);
        assertThat(record.ttl()).hasMinutes(30);
    }

    @Test
    void v1ValueDifferentFromV2ValueIsInvalid() {
        assertThatThrownBy(() -> validator.validate(key(BROKEN_V1_VALUE), record(BROKEN_V1_VALUE), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("V1 protobuf field for Value differs");
    }

    @Test
    void brokenSignatureV2IsInvalid() {
        assertThatThrownBy(() -> validator.validate(key(BROKEN_SIGNATURE_V2), record(BROKEN_SIGNATURE_V2), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("signatureV2 does not verify");
    }

    @Test
    void brokenSignatureV1IsValidBecauseV1IsNeverChecked() throws InvalidRecordException {
        validator.validate(key(BROKEN_SIGNATURE_V1), record(BROKEN_SIGNATURE_V1), NOW);
        assertThat(text(IpnsRecord.parse(record(BROKEN_SIGNATURE_V1)).value()))
                .isEqualTo("/ipfs/bafkqahtwgevxmmrao5uxi2bamjzg623fnyqhg2lhnzqxi5lsmuqhmmi");
    }

    @Test
    void v2OnlyIsValid() throws InvalidRecordException {
        validator.validate(key(V2), record(V2), NOW);
        assertThat(text(IpnsRecord.parse(record(V2)).value())).isEqualTo("/ipfs/bafkqadtwgiww63tmpeqhezldn5zgi");
    }

    @Test
    void validVectorsExpireAtTheirEol() {
        for (String vector : new String[] {V1_V2, BROKEN_SIGNATURE_V1, V2}) {
            assertThatThrownBy(() -> validator.validate(key(vector), record(vector), VECTOR_EOL))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("expired");
        }
    }

    @Test
    void aVectorIsInvalidUnderAnotherName() {
        assertThatThrownBy(() -> validator.validate(key(V1_V2), record(V2), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("signatureV2 does not verify");
    }

    /** Our encoder writes boxo's data byte for byte, so records we sign carry the data others would. */
    @Test
    void dataReencodesToTheSameBytes() throws Exception {
        for (String vector : new String[] {V1_V2, BROKEN_SIGNATURE_V1, V2}) {
            byte[] data = IpnsEntry.parseFrom(record(vector)).getData().toByteArray();
            IpnsRecord record = IpnsRecord.parse(record(vector));
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("Value", record.value());
            fields.put("Validity", "2123-08-14T12:17:03.694052Z".getBytes(StandardCharsets.US_ASCII));
            fields.put("ValidityType", 0L);
            fields.put("Sequence", record.sequence());
            fields.put("TTL", record.ttl().toNanos());
            assertThat(DagCbor.encodeMap(fields)).as(vector).isEqualTo(data);
        }
    }

    /** Settles what the spec's {@code string(validityType)} means: the enum's name, as Go prints it. */
    @Test
    void signatureV1CoversTheValidityTypeName() throws Exception {
        IpnsEntry entry = IpnsEntry.parseFrom(record(V1_V2));
        byte[] input = IpnsRecord.signatureV1Input(entry.getValue().toByteArray(), entry.getValidity().toByteArray());
        assertThat(name(V1_V2).publicKey().orElseThrow().verify(input, entry.getSignatureV1().toByteArray())).isTrue();
    }

    static byte[] key(String vector) {
        byte[] prefix = "/ipns/".getBytes(StandardCharsets.US_ASCII);
        byte[] id = name(vector).bytes();
        byte[] key = Arrays.copyOf(prefix, prefix.length + id.length);
        System.arraycopy(id, 0, key, prefix.length, id.length);
        return key;
    }

    /** Reads the base36 ({@code k}) CIDv1 in a vector's file name, a multibase Peerflux has no codec for. */
    static PeerId name(String vector) {
        String base36 = vector.substring(0, vector.indexOf('_'));
        assertThat(base36).startsWith("k");
        byte[] unsigned = new BigInteger(base36.substring(1), 36).toByteArray();
        byte[] cid = unsigned[0] == 0 ? Arrays.copyOfRange(unsigned, 1, unsigned.length) : unsigned;
        return PeerId.fromBytes(Cid.parse(cid).multihash().bytes());
    }

    static byte[] record(String vector) {
        try (InputStream in = IpnsVectorsTest.class.getResourceAsStream("/ipns/" + vector + ".ipns-record")) {
            assertThat(in).as(vector).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
