package io.peerflux.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * The elliptic curves behind the {@link KeyType#SECP256K1} and {@link KeyType#ECDSA} key types,
 * using BouncyCastle's curve-specific arithmetic.
 */
enum EcCurve {
    SECP256K1(SECObjectIdentifiers.secp256k1),
    P256(SECObjectIdentifiers.secp256r1),
    P384(SECObjectIdentifiers.secp384r1),
    P521(SECObjectIdentifiers.secp521r1);

    final ASN1ObjectIdentifier oid;
    final ECDomainParameters domain;

    EcCurve(ASN1ObjectIdentifier oid) {
        this.oid = oid;
        this.domain = new ECDomainParameters(CustomNamedCurves.getByOID(oid));
    }

    /**
     * Returns the curve an {@link KeyType#ECDSA} key names: the NIST curves go-libp2p and
     * js-libp2p accept.
     *
     * @throws IllegalArgumentException for any other curve
     */
    static EcCurve forEcdsa(Object namedCurve) {
        for (EcCurve curve : new EcCurve[] {P256, P384, P521}) {
            if (curve.oid.equals(namedCurve)) {
                return curve;
            }
        }
        throw new IllegalArgumentException("unsupported curve " + namedCurve + " (expected the OID of P-256, P-384 or P-521)");
    }

    /** Bytes in a big-endian scalar of this curve's group order. */
    int scalarSize() {
        return (domain.getN().bitLength() + 7) / 8;
    }

    /**
     * Decodes a SEC 1 point encoding.
     *
     * @throws IllegalArgumentException if the bytes are not a point of this curve's group other than infinity
     */
    ECPoint decodePoint(byte[] encoded) {
        return domain.validatePublicPoint(domain.getCurve().decodePoint(encoded));
    }

    /**
     * Returns {@code d·G}, the public point of private scalar {@code d}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= d < n}
     */
    ECPoint publicPoint(BigInteger d) {
        return new FixedPointCombMultiplier().multiply(domain.getG(), domain.validatePrivateScalar(d)).normalize();
    }

    /** Returns a private scalar drawn uniformly from {@code [1, n-1]}. */
    BigInteger randomScalar(SecureRandom random) {
        return BigIntegers.createRandomInRange(BigInteger.ONE, domain.getN().subtract(BigInteger.ONE), random);
    }
}
