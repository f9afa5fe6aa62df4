package io.peerflux.kad.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.kad.record.pb.IpnsProtos.IpnsEntry;
import io.peerflux.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A signed IPNS record, V2 as ipfs/specs {@code ipns/ipns-record} defines it: an {@code IpnsEntry}
 * protobuf whose {@code data} is a DAG-CBOR map of {@code Value}, {@code Validity},
 * {@code ValidityType}, {@code Sequence} and {@code TTL}, signed by {@code signatureV2}.
 *
 * <p>{@link #parse} checks the form (size, the protobuf, the DAG-CBOR and its five fields);
 * {@link #verify} checks that the record belongs to an IPNS name and is live at a given time. A
 * record is immutable and keeps its exact bytes, which is what the signature covers and what a DHT
 * node stores and forwards.
 */
public final class IpnsRecord {

    /** The spec's "Record Size Limit": every implementation handles records up to 10 KiB; larger ones may be ignored. */
    public static final int MAX_SIZE = 10 * 1024;

    /** The spec's suggested {@code TTL}: how long resolvers may cache the record. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    private static final byte[] SIGNATURE_V2_PREFIX = "ipns-signature:".getBytes(StandardCharsets.US_ASCII);
    private static final long VALIDITY_EOL = 0;

    private static final String VALUE = "Value";
    private static final String VALIDITY = "Validity";
    private static final String VALIDITY_TYPE = "ValidityType";
    private static final String SEQUENCE = "Sequence";
    private static final String TTL = "TTL";

    private final byte[] marshalled;
    private final IpnsEntry entry;
    private final byte[] value;
    private final byte[] validity;
    private final Instant eol;
    private final long sequence;
    private final long ttlNanos;
    private final PublicKey embeddedKey;

    private IpnsRecord(byte[] marshalled, IpnsEntry entry, Map<String, Object> data, PublicKey embeddedKey)
            throws InvalidRecordException {
        this.marshalled = marshalled;
        this.entry = entry;
        this.embeddedKey = embeddedKey;
        this.value = bytesField(data, VALUE);
        this.validity = bytesField(data, VALIDITY);
        long validityType = unsignedField(data, VALIDITY_TYPE);
        if (validityType != VALIDITY_EOL) {
            throw new InvalidRecordException("data[ValidityType] is " + validityType + "; only 0 (EOL) is defined");
        }
        this.eol = Rfc3339.parse(new String(validity, StandardCharsets.ISO_8859_1));
        this.sequence = unsignedField(data, SEQUENCE);
        this.ttlNanos = unsignedField(data, TTL);
    }

    /**
     * Reads a record's form: at most {@link #MAX_SIZE} bytes, an {@code IpnsEntry} with non-empty
     * {@code signatureV2} and {@code data}, {@code data} DAG-CBOR with the five fields of the right
     * types, {@code ValidityType} 0 (EOL) with an RFC 3339 {@code Validity}, and a well-formed
     * {@code pubKey} if there is one. Signatures are not checked here but by {@link #verify}.
     *
     * <p>{@code Sequence} and {@code TTL} must fit in 63 bits: the spec says uint64, but the
     * reference implementations store them as Go {@code int64}.
     *
     * @param bytes the marshalled {@code IpnsEntry}; copied
     * @return the record
     * @throws InvalidRecordException if any of that does not hold; V1-only records (no
     *     {@code data}) among them, which the spec no longer accepts
     */
    public static IpnsRecord parse(byte[] bytes) throws InvalidRecordException {
        if (bytes.length > MAX_SIZE) {
            throw new InvalidRecordException("IPNS record of " + bytes.length + " bytes exceeds the limit of " + MAX_SIZE);
        }
        IpnsEntry entry;
        try {
            entry = IpnsEntry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecordException("IPNS record is not an IpnsEntry protobuf: " + e.getMessage(), e);
        }
        if (entry.getSignatureV2().isEmpty()) {
            throw new InvalidRecordException("IPNS record has no signatureV2 (V1-only records are no longer valid)");
        }
        if (entry.getData().isEmpty()) {
            throw new InvalidRecordException("IPNS record has no data (V1-only records are no longer valid)");
        }
        PublicKey embeddedKey = null;
        if (!entry.getPubKey().isEmpty()) {
            try {
                embeddedKey = PublicKey.unmarshal(entry.getPubKey().toByteArray());
            } catch (IllegalArgumentException e) {
                throw new InvalidRecordException("IPNS record's pubKey is not a valid public key: " + e.getMessage(), e);
            }
        }
        return new IpnsRecord(bytes.clone(), entry, DagCbor.decodeMap(entry.getData().toByteArray()), embeddedKey);
    }

    /**
     * Creates and signs a record the way go (boxo) and js ({@code ipns}) publishers do today: V2
     * with the V1 compatibility fields and {@code signatureV1}, which the spec's "Record Creation
     * with Legacy SignatureV1" describes for records that legacy resolvers must still read. The
     * public key is embedded only when the IPNS name cannot inline it (RSA, ECDSA).
     *
     * @param key the IPNS name's private key
     * @param value the content path, such as {@code /ipfs/bafy...}
     * @param sequence the version, non-negative, higher than the last record published
     * @param eol when the record stops being valid; the spec advises at most 48 h ahead for the DHT
     * @param ttl how long resolvers may cache the record, non-negative
     * @return the record
     * @throws IllegalArgumentException if {@code sequence} or {@code ttl} is negative, {@code eol}
     *     is outside the years 0000 to 9999, or the record would exceed {@link #MAX_SIZE}
     */
    public static IpnsRecord create(PrivateKey key, byte[] value, long sequence, Instant eol, Duration ttl) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be non-negative, got " + sequence);
        }
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be non-negative, got " + ttl);
        }
        long ttlNanos = ttl.toNanos();
        byte[] validity = Rfc3339.format(eol).getBytes(StandardCharsets.US_ASCII);

        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(VALUE, value.clone());
        fields.put(VALIDITY, validity);
        fields.put(VALIDITY_TYPE, VALIDITY_EOL);
        fields.put(SEQUENCE, sequence);
        fields.put(TTL, ttlNanos);
        byte[] data = DagCbor.encodeMap(fields);

        IpnsEntry.Builder entry = IpnsEntry.newBuilder()
                .setValue(ByteString.copyFrom(value))
                .setSignatureV1(ByteString.copyFrom(key.sign(signatureV1Input(value, validity))))
                .setValidityType(IpnsEntry.ValidityType.EOL)
                .setValidity(ByteString.copyFrom(validity))
                .setSequence(sequence)
                .setTtl(ttlNanos)
                .setSignatureV2(ByteString.copyFrom(key.sign(signatureV2Input(data))))
                .setData(ByteString.copyFrom(data));
        PublicKey publicKey = key.publicKey();
        if (PeerId.fromPublicKey(publicKey).publicKey().isEmpty()) {
            entry.setPubKey(ByteString.copyFrom(publicKey.marshal()));
        }
        byte[] bytes = entry.build().toByteArray();
        if (bytes.length > MAX_SIZE) {
            throw new IllegalArgumentException("the record would take " + bytes.length + " bytes, over the limit of " + MAX_SIZE);
        }
        try {
            return parse(bytes);
        } catch (InvalidRecordException e) {
            throw new IllegalStateException("a record just created does not parse", e);
        }
    }

    /**
     * Checks that this record is the named key's and is live at {@code now}, following the spec's
     * "Record Verification": the public key from {@code pubKey}, which must belong to
     * {@code name}, or else inlined in {@code name}; {@code signatureV2} over
     * {@code "ipns-signature:" || data}; the V1 copies equal to {@code data} when
     * {@code signatureV1} or {@code value} is present (as in boxo, "present" means non-empty);
     * and {@code Validity} later than {@code now}. {@code signatureV1} is never checked.
     *
     * @param name the IPNS name the record was found under
     * @param now the current wall time
     * @throws InvalidRecordException if any check fails; the message says which
     */
    public void verify(PeerId name, Instant now) throws InvalidRecordException {
        PublicKey key = signer(name);
        if (!key.verify(signatureV2Input(entry.getData().toByteArray()), entry.getSignatureV2().toByteArray())) {
            throw new InvalidRecordException("IPNS record's signatureV2 does not verify with the key of " + name);
        }
        if (!entry.getSignatureV1().isEmpty() || !entry.getValue().isEmpty()) {
            requireV1CopiesMatch();
        }
        if (!eol.isAfter(now)) {
            throw new InvalidRecordException("IPNS record expired at " + eol + " (now " + now + ")");
        }
    }

    private PublicKey signer(PeerId name) throws InvalidRecordException {
        if (embeddedKey != null) {
            if (!name.matches(embeddedKey)) {
                throw new InvalidRecordException("IPNS record's pubKey belongs to " + PeerId.fromPublicKey(embeddedKey)
                        + ", not to the name " + name);
            }
            return embeddedKey;
        }
        return name.publicKey().orElseThrow(() -> new InvalidRecordException(
                "IPNS record has no pubKey and the name " + name + " does not inline its key"));
    }

    /** The spec's step 7: a V1 field equal to its V2 copy, an absent V1 field counting as its protobuf default. */
    private void requireV1CopiesMatch() throws InvalidRecordException {
        requireMatch(VALUE, Arrays.equals(entry.getValue().toByteArray(), value));
        requireMatch(VALIDITY, Arrays.equals(entry.getValidity().toByteArray(), validity));
        requireMatch(VALIDITY_TYPE, entry.getValidityTypeValue() == VALIDITY_EOL);
        requireMatch(SEQUENCE, entry.getSequence() == sequence);
        requireMatch(TTL, entry.getTtl() == ttlNanos);
    }

    private static void requireMatch(String field, boolean matches) throws InvalidRecordException {
        if (!matches) {
            throw new InvalidRecordException("IPNS record's V1 protobuf field for " + field + " differs from data[" + field + "]");
        }
    }

    /**
     * Returns the marshalled {@code IpnsEntry}, exactly the bytes parsed or created.
     *
     * @return a new array
     */
    public byte[] marshal() {
        return marshalled.clone();
    }

    /**
     * Returns the signed {@code Value}: a content path such as {@code /ipfs/bafy...}, or any bytes.
     *
     * @return a new array
     */
    public byte[] value() {
        return value.clone();
    }

    /**
     * Returns the signed {@code Sequence}, the record's version: higher wins.
     *
     * @return 0 or more
     */
    public long sequence() {
        return sequence;
    }

    /**
     * Returns the signed {@code Validity} of this EOL record: the record is valid before this time.
     *
     * @return the end of life, to the nanosecond
     */
    public Instant eol() {
        return eol;
    }

    /**
     * Returns the signed {@code TTL}, how long resolvers may cache the record.
     *
     * @return a non-negative duration
     */
    public Duration ttl() {
        return Duration.ofNanos(ttlNanos);
    }

    /**
     * Returns the key in the record's {@code pubKey} field, which records of names that cannot
     * inline their key carry.
     *
     * @return the key, or empty if the field is absent or empty
     */
    public Optional<PublicKey> embeddedPublicKey() {
        return Optional.ofNullable(embeddedKey);
    }

    @Override
    public String toString() {
        return "IpnsRecord[value=" + new String(value, StandardCharsets.UTF_8) + ", sequence=" + sequence
                + ", eol=" + eol + ", ttl=" + ttl() + "]";
    }

    private static byte[] signatureV2Input(byte[] data) {
        byte[] input = Arrays.copyOf(SIGNATURE_V2_PREFIX, SIGNATURE_V2_PREFIX.length + data.length);
        System.arraycopy(data, 0, input, SIGNATURE_V2_PREFIX.length, data.length);
        return input;
    }

    /**
     * The legacy V1 signed bytes: value, validity, then the validity type as Go's {@code fmt}
     * prints the protobuf enum, which is its name, {@code EOL} (checked against the spec's V1+V2
     * test vector).
     */
    static byte[] signatureV1Input(byte[] value, byte[] validity) {
        byte[] type = IpnsEntry.ValidityType.EOL.name().getBytes(StandardCharsets.US_ASCII);
        byte[] input = Arrays.copyOf(value, value.length + validity.length + type.length);
        System.arraycopy(validity, 0, input, value.length, validity.length);
        System.arraycopy(type, 0, input, value.length + validity.length, type.length);
        return input;
    }

    private static byte[] bytesField(Map<String, Object> data, String field) throws InvalidRecordException {
        Object found = data.get(field);
        if (found instanceof byte[] bytes) {
            return bytes;
        }
        throw new InvalidRecordException(missingOrWrong(found, field, "a byte string"));
    }

    private static long unsignedField(Map<String, Object> data, String field) throws InvalidRecordException {
        Object found = data.get(field);
        if (found instanceof Long number) {
            return number;
        }
        throw new InvalidRecordException(missingOrWrong(found, field, "an unsigned integer up to 2^63-1"));
    }

    private static String missingOrWrong(Object found, String field, String expected) {
        if (found == null) {
            return "IPNS record's data has no " + field;
        }
        String kind = found instanceof DagCbor.Other other ? other.kind()
                : found instanceof byte[] ? "byte string" : "unsigned integer";
        return "IPNS record's data[" + field + "] is not " + expected + " (found " + kind + ")";
    }
}
