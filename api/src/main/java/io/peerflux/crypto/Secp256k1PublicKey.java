package io.peerflux.crypto;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/** A secp256k1 public key, encoded as the 33-byte compressed point of SEC 1 section 2.3.3 (Bitcoin's form). */
final class Secp256k1PublicKey extends PublicKey {

    private static final int SIZE = 33;

    private final ECPublicKeyParameters key;

    Secp256k1PublicKey(ECPoint point) {
        super(KeyType.SECP256K1, point.getEncoded(true));
        this.key = new ECPublicKeyParameters(point, EcCurve.SECP256K1.domain);
    }

    /** @throws IllegalArgumentException unless {@code data} is a compressed point of the curve */
    static Secp256k1PublicKey decode(byte[] data) {
        if (data.length != SIZE || (data[0] != 0x02 && data[0] != 0x03)) {
            throw new IllegalArgumentException("expected a " + SIZE + "-byte compressed point starting with 0x02 or 0x03");
        }
        return new Secp256k1PublicKey(EcCurve.SECP256K1.decodePoint(data));
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        requireArguments(data, signature);
        return Ecdsa.verify(key, data, signature);
    }
}
