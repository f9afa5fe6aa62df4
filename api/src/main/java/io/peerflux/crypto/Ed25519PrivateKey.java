package io.peerflux.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 private key. Its spec encoding is the 32-byte RFC 8032 secret followed by the 32-byte
 * public key; the legacy form that repeats the public key (96 bytes) is read as well.
 */
final class Ed25519PrivateKey extends PrivateKey {

    private static final int SIZE = 2 * Ed25519PrivateKeyParameters.KEY_SIZE;
    private static final int LEGACY_SIZE = 3 * Ed25519PrivateKeyParameters.KEY_SIZE;

    private final Ed25519PrivateKeyParameters key;
    private final Ed25519PublicKey publicKey;

    private Ed25519PrivateKey(Ed25519PrivateKeyParameters key) {
        super(KeyType.ED25519);
        this.key = key;
        this.publicKey = new Ed25519PublicKey(key.generatePublicKey());
    }

    static Ed25519PrivateKey generate(SecureRandom random) {
        return new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(random));
    }

    /**
     * @throws IllegalArgumentException unless {@code data} is secret || public key with the public
     *     key derived from the secret, or the legacy secret || public key || public key
     */
    static Ed25519PrivateKey decode(byte[] data) {
        int half = Ed25519PrivateKeyParameters.KEY_SIZE;
        if (data.length == LEGACY_SIZE
                && !Arrays.equals(data, half, SIZE, data, SIZE, LEGACY_SIZE)) {
            throw new IllegalArgumentException("legacy 96-byte form must repeat the same public key");
        }
        if (data.length != SIZE && data.length != LEGACY_SIZE) {
            throw new IllegalArgumentException("expected " + SIZE + " bytes (or the legacy " + LEGACY_SIZE + "), got " + data.length);
        }
        Ed25519PrivateKey key = new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(data, 0));
        if (!MessageDigest.isEqual(key.publicKey.raw(), Arrays.copyOfRange(data, half, SIZE))) {
            throw new IllegalArgumentException("the public key half does not belong to the secret half");
        }
        return key;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        key.sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
        return signature;
    }

    @Override
    byte[] raw() {
        byte[] raw = new byte[SIZE];
        key.encode(raw, 0);
        System.arraycopy(publicKey.raw(), 0, raw, Ed25519PrivateKeyParameters.KEY_SIZE, Ed25519PrivateKeyParameters.KEY_SIZE);
        return raw;
    }
}
