package io.peerflux.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * An ECDSA private key, encoded as the DER {@code ECPrivateKey} of RFC 5915 (SEC 1) with the named
 * curve and public key included, which is what go-libp2p and js-libp2p write and what the spec's
 * test vector holds.
 */
final class EcdsaPrivateKey extends PrivateKey {

    private final EcCurve curve;
    private final ECPrivateKeyParameters key;
    private final ECPoint point;
    private final EcdsaPublicKey publicKey;

    /** @throws IllegalArgumentException unless {@code 1 <= d < n} */
    EcdsaPrivateKey(EcCurve curve, BigInteger d) {
        super(KeyType.ECDSA);
        this.curve = curve;
        this.point = curve.publicPoint(d);
        this.publicKey = new EcdsaPublicKey(curve, point);
        this.key = new ECPrivateKeyParameters(d, curve.domain);
    }

    /**
     * @throws IllegalArgumentException unless {@code data} is exactly the encoding {@link #raw()}
     *     produces for some key on a supported curve
     */
    static EcdsaPrivateKey decode(byte[] data) {
        ECPrivateKey structure = ECPrivateKey.getInstance(Der.parse(data));
        EcCurve curve = EcCurve.forEcdsa(structure.getParametersObject());
        EcdsaPrivateKey key = new EcdsaPrivateKey(curve, structure.getKey());
        if (!Arrays.equals(key.raw(), data)) {
            throw new IllegalArgumentException("not the canonical ECPrivateKey: version 1, a scalar of "
                    + curve.scalarSize() + " bytes, the named curve and the matching public key");
        }
        return key;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        return Ecdsa.sign(key, data, false);
    }

    @Override
    byte[] raw() {
        return Der.encode(new ECPrivateKey(curve.domain.getN().bitLength(), key.getD(),
                new DERBitString(point.getEncoded(false)), curve.oid));
    }
}
