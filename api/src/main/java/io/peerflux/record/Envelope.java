package io.peerflux.record;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.record.InvalidEnvelopeException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A signed envelope, RFC 0002: a payload with its type, signed by a key for one domain (purpose).
 *
 * <pre>
 *   message Envelope {
 *     PublicKey public_key = 1;  // peer-ids spec: the signer's key
 *     bytes payload_type = 2;    // multicodec code, e.g. 0x03 0x01 for a peer record
 *     bytes payload = 3;
 *     bytes signature = 5;       // over: uvarint len ‖ domain ‖ uvarint len ‖ payload_type ‖ uvarint len ‖ payload
 *   }
 * </pre>
 *
 * <p>An instance always holds a valid signature: it is either made by {@link #seal} or checked by {@link #open}, as
 * go-libp2p's {@code ConsumeEnvelope} does, so code handed an {@code Envelope} need not check it again. It keeps its
 * exact bytes, which is what gets forwarded. Immutable.
 */
public final class Envelope {

    /**
     * The longest envelope {@link #open} accepts. go-libp2p and js-libp2p read an identify message, which carries one,
     * up to 8 KiB, so no envelope they accept that way is longer; an RSA-4096 key and signature take about 1 KiB.
     */
    public static final int MAX_SIZE = 8 * 1024;

    private static final int PUBLIC_KEY = 1;
    private static final int PAYLOAD_TYPE = 2;
    private static final int PAYLOAD = 3;
    private static final int SIGNATURE = 5;

    private final PublicKey publicKey;
    private final byte[] payloadType;
    private final byte[] payload;
    private final byte[] bytes;

    private Envelope(PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] bytes) {
        this.publicKey = publicKey;
        this.payloadType = payloadType;
        this.payload = payload;
        this.bytes = bytes;
    }

    /**
     * Signs {@code payload} with {@code key} for {@code domain}.
     *
     * @param key the signer
     * @param domain what the signature is for; the same string must be given to {@link #open}
     * @param payloadType the payload's multicodec code (and any suffix the payload's spec defines)
     * @param payload the payload
     * @return the envelope
     * @throws IllegalArgumentException if the envelope would exceed {@link #MAX_SIZE}
     */
    public static Envelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
        byte[] type = payloadType.clone();
        byte[] content = payload.clone();
        PublicKey publicKey = key.publicKey();
        byte[] signature = key.sign(signedBytes(domain, type, content));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Protobuf.writeBytes(out, PUBLIC_KEY, publicKey.marshal());
        Protobuf.writeBytes(out, PAYLOAD_TYPE, type);
        Protobuf.writeBytes(out, PAYLOAD, content);
        Protobuf.writeBytes(out, SIGNATURE, signature);
        if (out.size() > MAX_SIZE) {
            throw new IllegalArgumentException("the envelope would take " + out.size() + " bytes, over the limit of "
                    + MAX_SIZE);
        }
        return new Envelope(publicKey, type, content, out.toByteArray());
    }

    /**
     * Decodes an envelope and checks its signature for {@code domain}.
     *
     * @param bytes the marshalled envelope; copied
     * @param domain what the signature must have been made for
     * @return the envelope
     * @throws InvalidEnvelopeException with {@link Reason#TOO_LARGE} over {@link #MAX_SIZE} bytes,
     *     {@link Reason#MALFORMED} if it is not an envelope with a valid public key, {@link Reason#BAD_SIGNATURE} if
     *     the signature does not verify for {@code domain}
     */
    public static Envelope open(byte[] bytes, String domain) throws InvalidEnvelopeException {
        Objects.requireNonNull(domain, "domain");
        if (bytes.length > MAX_SIZE) {
            throw new InvalidEnvelopeException(Reason.TOO_LARGE,
                    "envelope of " + bytes.length + " bytes exceeds the limit of " + MAX_SIZE);
        }
        byte[] key = null;
        byte[] type = new byte[0];
        byte[] payload = new byte[0];
        byte[] signature = new byte[0];
        PublicKey publicKey;
        try {
            Protobuf.Reader in = new Protobuf.Reader(bytes);
            while (in.hasNext()) {
                switch (in.next()) {
                    case PUBLIC_KEY -> key = in.bytes();
                    case PAYLOAD_TYPE -> type = in.bytes();
                    case PAYLOAD -> payload = in.bytes();
                    case SIGNATURE -> signature = in.bytes();
                    default -> in.skip();
                }
            }
            if (key == null) {
                throw new IllegalArgumentException("no public_key");
            }
            publicKey = PublicKey.unmarshal(key);
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(Reason.MALFORMED, "malformed envelope: " + e.getMessage(), e);
        }
        if (!publicKey.verify(signedBytes(domain, type, payload), signature)) {
            throw new InvalidEnvelopeException(Reason.BAD_SIGNATURE,
                    "envelope signature does not verify for domain \"" + domain + "\"");
        }
        return new Envelope(publicKey, type, payload, bytes.clone());
    }

    /** The bytes the signature covers, each part prefixed by its length as an unsigned varint. */
    private static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
        byte[] domainBytes = domain.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : new byte[][] {domainBytes, payloadType, payload}) {
            Protobuf.writeVarint(out, part.length);
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Returns the key that signed this envelope.
     *
     * @return the signer's public key
     */
    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * Returns the payload's type.
     *
     * @return a new array
     */
    public byte[] payloadType() {
        return payloadType.clone();
    }

    /**
     * Returns the signed payload.
     *
     * @return a new array
     */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * Returns the marshalled envelope, exactly as it was opened or sealed.
     *
     * @return a new array
     */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The length of {@link #bytes()}, without copying them. */
    public int size() {
        return bytes.length;
    }

    /** Envelopes are equal when their bytes are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
