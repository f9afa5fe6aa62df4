package io.peerflux.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A libp2p private key: a peer's identity, with which it signs handshakes and records.
 *
 * <p>Instances are immutable and thread-safe. Signing never blocks: Ed25519 and ECDSA signatures
 * are deterministic, and RSA blinding draws from a generator seeded once, when this class loads.
 */
public abstract sealed class PrivateKey permits Ed25519PrivateKey, Secp256k1PrivateKey, EcdsaPrivateKey, RsaPrivateKey {

    /**
     * The randomness for key generation and RSA blinding. A DRBG reads the system's entropy only to
     * seed itself, which is done here, so later draws are pure computation (the platform default
     * reads {@code /dev/urandom} on every call, which is blocking I/O on an event loop).
     */
    static final SecureRandom RANDOM = seededRandom();

    private final KeyType type;

    PrivateKey(KeyType type) {
        this.type = type;
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
     * Returns the public half of this key.
     *
     * @return the public key
     */
    public abstract PublicKey publicKey();

    /**
     * Signs {@code data} with the method the peer-ids spec gives for this key type: plain Ed25519;
     * for secp256k1 and ECDSA, ECDSA over the SHA-256 of the data with an RFC 6979 nonce and a DER
     * signature (low-S for secp256k1); for RSA, RSASSA-PKCS1-v1_5 with SHA-256.
     *
     * @param data the bytes to sign
     * @return the signature, which {@code publicKey().verify(data, signature)} accepts
     * @throws NullPointerException if {@code data} is null
     */
    public abstract byte[] sign(byte[] data);

    /**
     * Returns the deterministic encoding of the {@code PrivateKey} protobuf message, the form in
     * which libp2p implementations store keys. Ed25519 keys are written in the 64-byte form.
     *
     * @return a new array holding secret material
     */
    public final byte[] marshal() {
        return KeyProtobuf.encode(type, raw());
    }

    /** Returns the key-type specific encoding of this key for the {@code Data} field. */
    abstract byte[] raw();

    /**
     * Decodes a {@code PrivateKey} protobuf message, as written by this class or by go-libp2p and
     * js-libp2p.
     *
     * <p>Decoding is strict in the way {@link PublicKey#unmarshal(byte[])} is, and also checks that
     * stored public parts belong to the private parts. The one encoding accepted besides the
     * canonical ones is the legacy 96-byte Ed25519 form.
     *
     * @param protobuf the message, at most 8 KiB; not retained
     * @return the key
     * @throws IllegalArgumentException if the message is malformed, of an unknown key type, or holds
     *     a key that is invalid or not canonically encoded; the message says which
     */
    public static PrivateKey unmarshal(byte[] protobuf) {
        KeyProtobuf message = KeyProtobuf.decode(protobuf, "private key");
        byte[] data = message.data();
        try {
            return switch (message.type()) {
                case RSA -> RsaPrivateKey.decode(data);
                case ED25519 -> Ed25519PrivateKey.decode(data);
                case SECP256K1 -> Secp256k1PrivateKey.decode(data);
                case ECDSA -> EcdsaPrivateKey.decode(data);
            };
        } catch (RuntimeException e) {
            // BouncyCastle's ASN.1 and curve code signals bad input with assorted runtime exceptions.
            throw new IllegalArgumentException("invalid " + message.type() + " private key: " + e.getMessage(), e);
        }
    }

    /**
     * Generates an Ed25519 key, the type every libp2p implementation supports.
     *
     * @return a new key
     */
    public static PrivateKey generateEd25519() {
        return Ed25519PrivateKey.generate(RANDOM);
    }

    /**
     * Generates a secp256k1 key.
     *
     * @return a new key
     */
    public static PrivateKey generateSecp256k1() {
        return new Secp256k1PrivateKey(EcCurve.SECP256K1.randomScalar(RANDOM));
    }

    /**
     * Generates an ECDSA key on NIST P-256, the curve go-libp2p generates.
     *
     * @return a new key
     */
    public static PrivateKey generateEcdsaP256() {
        return new EcdsaPrivateKey(EcCurve.P256, EcCurve.P256.randomScalar(RANDOM));
    }

    private static SecureRandom seededRandom() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextBytes(new byte[1]);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 9+ platform provides a DRBG", e);
        }
    }
}
