package io.peerflux.crypto;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * An ECDSA public key on a NIST curve, encoded as DER PKIX {@code SubjectPublicKeyInfo} (RFC 5480)
 * with a named curve and an uncompressed point.
 */
final class EcdsaPublicKey extends PublicKey {

    private final ECPublicKeyParameters key;

    EcdsaPublicKey(EcCurve curve, ECPoint point) {
        super(KeyType.ECDSA, Der.encode(new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve.oid), point.getEncoded(false))));
        this.key = new ECPublicKeyParameters(point, curve.domain);
    }

    /**
     * Decodes the PKIX structure; whether it is canonical is checked by comparing the input with the
     * re-encoded key.
     *
     * @throws IllegalArgumentException if {@code data} is not an EC public key on a supported curve
     */
    static EcdsaPublicKey decode(byte[] data) {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(Der.parse(data));
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("algorithm " + info.getAlgorithm().getAlgorithm() + " is not id-ecPublicKey");
        }
        EcCurve curve = EcCurve.forEcdsa(info.getAlgorithm().getParameters());
        return new EcdsaPublicKey(curve, curve.decodePoint(info.getPublicKeyData().getOctets()));
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        requireArguments(data, signature);
        return Ecdsa.verify(key, data, signature);
    }
}
