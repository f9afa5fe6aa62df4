package io.peerflux.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * A libp2p public key: what a peer id is derived from and what signatures made by the peer are
 * checked against.
 *
 * <p>Instances are immutable and thread-safe. Two keys are equal when their {@link #marshal()}
 * forms are, which for the canonical encodings this class accepts means they are the same key.
 */
public abstract sealed class PublicKey permits Ed25519PublicKey, Secp256k1PublicKey, EcdsaPublicKey, RsaPublicKey {

    private final KeyType type;
    private final byte[] raw;
    private final byte[] marshalled;

    PublicKey(KeyType type, byte[] raw) {
        this.type = type;
        this.raw = raw;
        this.marshalled = KeyProtobuf.encode(type, raw);
    }

    /**
     * Returns the algorithm of this key.
     *
     * @return the key type
     */
    public final KeyType type() {
        return type;
    }

    /**
     * Returns the key-type specific encoding that fills the {@code Data} field of the
     * {@code PublicKey} message: 32 bytes for Ed25519, a 33-byte compressed point for secp256k1, and
     * DER-encoded PKIX {@code SubjectPublicKeyInfo} for ECDSA and RSA.
     *
     * @return a new array
     */
    public final byte[] raw() {
        return raw.clone();
    }

    /**
     * Checks a signature this key's private key made over {@code data}, using the signing method the
     * peer-ids spec gives for this key type.
     *
     * @param data the signed bytes
     * @param signature the signature, as produced by {@link PrivateKey#sign(byte[])}
     * @return whether the signature is valid; false, never an exception, for any malformed signature
     * @throws NullPointerException if an argument is null
     */
    public abstract boolean verify(byte[] data, byte[] signature);

    /**
     * Returns the deterministic encoding of the {@code PublicKey} protobuf message, the form in which
     * keys travel and from which peer ids are derived.
     *
     * @return a new array
     */
    public final byte[] marshal() {
        return marshalled.clone();
    }

    /**
     * Decodes a {@code PublicKey} protobuf message.
     *
     * <p>Decoding is strict: the message must be in the spec's deterministic encoding and the key in
     * the canonical encoding of its type (compressed secp256k1 points, uncompressed ECDSA points in
     * PKIX DER), so {@code unmarshal(bytes).marshal()} always equals {@code bytes}. ECDSA keys may be
     * on P-256, P-384 or P-521; RSA keys must have 2048 to 8192 bits.
     *
     * @param protobuf the message, at most 8 KiB; not retained
     * @return the key
     * @throws IllegalArgumentException if the message is malformed, of an unknown key type, or holds
     *     a key that is invalid or not canonically encoded; the message says which
     */
    public static PublicKey unmarshal(byte[] protobuf) {
        KeyProtobuf message = KeyProtobuf.decode(protobuf, "public key");
        byte[] data = message.data();
        try {
            PublicKey key = switch (message.type()) {
                case RSA -> RsaPublicKey.decode(data);
                case ED25519 -> Ed25519PublicKey.decode(data);
                case SECP256K1 -> Secp256k1PublicKey.decode(data);
                case ECDSA -> EcdsaPublicKey.decode(data);
            };
            if (!Arrays.equals(key.raw, data)) {
                throw new IllegalArgumentException("not in the canonical encoding");
            }
            return key;
        } catch (RuntimeException e) {
            // BouncyCastle's ASN.1 and curve code signals bad input with assorted runtime exceptions.
            throw new IllegalArgumentException("invalid " + message.type() + " public key: " + e.getMessage(), e);
        }
    }

    static void requireArguments(byte[] data, byte[] signature) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(signature, "signature");
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof PublicKey other && Arrays.equals(marshalled, other.marshalled);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(marshalled);
    }
}
