package io.peerflux.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.BigIntegers;

/**
 * An RSA public key, encoded as DER PKIX {@code SubjectPublicKeyInfo} with the {@code rsaEncryption}
 * algorithm (RFC 3279 section 2.3.1). Signatures are RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017
 * section 8.2).
 */
final class RsaPublicKey extends PublicKey {

    /** The smallest modulus accepted, as in go-libp2p: smaller keys are too weak to identify a peer. */
    static final int MIN_BITS = 2048;
    /** The largest modulus accepted, as in go-libp2p: it bounds the work a peer's key can cost us. */
    static final int MAX_BITS = 8192;

    private static final AlgorithmIdentifier RSA_ENCRYPTION =
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
    private static final BigInteger MAX_EXPONENT = BigInteger.valueOf(Integer.MAX_VALUE);

    /** The DER {@code DigestInfo} prefix for SHA-256 in EMSA-PKCS1-v1_5 (RFC 8017 section 9.2, note 1). */
    private static final byte[] SHA256_DIGEST_INFO = {
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20
    };

    private final BigInteger modulus;
    private final BigInteger exponent;

    /** @throws IllegalArgumentException if {@link #checkParameters} does */
    RsaPublicKey(BigInteger modulus, BigInteger exponent) {
        super(KeyType.RSA, pkix(checkParameters(modulus, exponent), exponent));
        this.modulus = modulus;
        this.exponent = exponent;
    }

    /** @throws IllegalArgumentException if {@code data} is not an rsaEncryption key with acceptable parameters */
    static RsaPublicKey decode(byte[] data) {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(Der.parse(data));
        if (!RSA_ENCRYPTION.equals(info.getAlgorithm())) {
            throw new IllegalArgumentException("algorithm is not rsaEncryption with NULL parameters");
        }
        RSAPublicKey key = RSAPublicKey.getInstance(Der.parse(info.getPublicKeyData().getOctets()));
        return new RsaPublicKey(key.getModulus(), key.getPublicExponent());
    }

    /**
     * Checks what go-libp2p checks: a modulus of {@value #MIN_BITS} to {@value #MAX_BITS} bits and an
     * exponent of 3 to 2^31-1; both must also be odd, as every RSA key's are.
     *
     * @return {@code modulus}
     * @throws IllegalArgumentException if a check fails
     */
    static BigInteger checkParameters(BigInteger modulus, BigInteger exponent) {
        if (modulus.signum() <= 0 || !modulus.testBit(0)) {
            throw new IllegalArgumentException("the modulus must be positive and odd");
        }
        if (modulus.bitLength() < MIN_BITS || modulus.bitLength() > MAX_BITS) {
            throw new IllegalArgumentException("the modulus has " + modulus.bitLength() + " bits, outside "
                    + MIN_BITS + ".." + MAX_BITS);
        }
        if (!exponent.testBit(0) || exponent.compareTo(BigInteger.TWO) <= 0 || exponent.compareTo(MAX_EXPONENT) > 0) {
            throw new IllegalArgumentException("the public exponent must be odd and in 3..2^31-1, got " + exponent);
        }
        return modulus;
    }

    private static byte[] pkix(BigInteger modulus, BigInteger exponent) {
        return Der.encode(new SubjectPublicKeyInfo(RSA_ENCRYPTION, Der.encode(new RSAPublicKey(modulus, exponent))));
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        requireArguments(data, signature);
        int size = (modulus.bitLength() + 7) / 8;
        if (signature.length != size) {
            return false;
        }
        BigInteger s = new BigInteger(1, signature);
        if (s.compareTo(modulus) >= 0) {
            return false;
        }
        byte[] encoded = BigIntegers.asUnsignedByteArray(size, s.modPow(exponent, modulus));
        return MessageDigest.isEqual(encoded, encodeSha256(Sha256.digest(data), size));
    }

    /** EMSA-PKCS1-v1_5 (RFC 8017 section 9.2): {@code 0x00 0x01 0xff..0xff 0x00 DigestInfo hash}, {@code size} bytes. */
    private static byte[] encodeSha256(byte[] hash, int size) {
        byte[] encoded = new byte[size];
        int digestInfoStart = size - hash.length - SHA256_DIGEST_INFO.length;
        encoded[1] = 0x01;
        Arrays.fill(encoded, 2, digestInfoStart - 1, (byte) 0xff);
        System.arraycopy(SHA256_DIGEST_INFO, 0, encoded, digestInfoStart, SHA256_DIGEST_INFO.length);
        System.arraycopy(hash, 0, encoded, size - hash.length, hash.length);
        return encoded;
    }
}
