package io.peerflux.crypto;

import java.math.BigInteger;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.RSADigestSigner;

/**
 * An RSA private key, encoded as the DER PKCS #1 {@code RSAPrivateKey} (RFC 8017 appendix A.1.2)
 * with two primes. Signing is blinded, with randomness from {@link PrivateKey#RANDOM}.
 */
final class RsaPrivateKey extends PrivateKey {

    private final RSAPrivateCrtKeyParameters key;
    private final RsaPublicKey publicKey;

    private RsaPrivateKey(RSAPrivateKey k) {
        super(KeyType.RSA);
        this.publicKey = new RsaPublicKey(k.getModulus(), k.getPublicExponent());
        this.key = new RSAPrivateCrtKeyParameters(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                k.getPrime1(), k.getPrime2(), k.getExponent1(), k.getExponent2(), k.getCoefficient());
    }

    /**
     * Decodes a two-prime key whose CRT values are consistent, so that signing cannot produce a
     * wrong signature (which would leak the factors).
     *
     * @throws IllegalArgumentException if {@code data} is not such a key, or its public part is not
     *     acceptable to {@link RsaPublicKey#checkParameters}
     */
    static RsaPrivateKey decode(byte[] data) {
        RSAPrivateKey k = RSAPrivateKey.getInstance(Der.parse(data));
        if (k.getVersion().signum() != 0) {
            throw new IllegalArgumentException("only version 0 (two-prime) keys are supported");
        }
        BigInteger n = k.getModulus();
        BigInteger e = k.getPublicExponent();
        BigInteger d = k.getPrivateExponent();
        BigInteger p = k.getPrime1();
        BigInteger q = k.getPrime2();
        RsaPublicKey.checkParameters(n, e);
        BigInteger pMinus1 = p.subtract(BigInteger.ONE);
        BigInteger qMinus1 = q.subtract(BigInteger.ONE);
        boolean consistent = p.compareTo(BigInteger.ONE) > 0 && q.compareTo(BigInteger.ONE) > 0
                && p.multiply(q).equals(n)
                && d.signum() > 0 && d.compareTo(n) < 0
                && d.mod(pMinus1).equals(k.getExponent1()) && d.mod(qMinus1).equals(k.getExponent2())
                && e.multiply(k.getExponent1()).mod(pMinus1).equals(BigInteger.ONE)
                && e.multiply(k.getExponent2()).mod(qMinus1).equals(BigInteger.ONE)
                && q.multiply(k.getCoefficient()).mod(p).equals(BigInteger.ONE)
                && k.getCoefficient().signum() > 0 && k.getCoefficient().compareTo(p) < 0;
        if (!consistent) {
            throw new IllegalArgumentException("the private values are inconsistent (n != p*q or wrong CRT values)");
        }
        return new RsaPrivateKey(k);
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        RSADigestSigner signer = new RSADigestSigner(new SHA256Digest());
        signer.init(true, new ParametersWithRandom(key, RANDOM));
        signer.update(data, 0, data.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            throw new IllegalStateException("RSA signing failed", e);
        }
    }

    @Override
    byte[] raw() {
        return Der.encode(new RSAPrivateKey(key.getModulus(), key.getPublicExponent(), key.getExponent(),
                key.getP(), key.getQ(), key.getDP(), key.getDQ(), key.getQInv()));
    }
}
