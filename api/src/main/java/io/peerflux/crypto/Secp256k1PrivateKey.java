package io.peerflux.crypto;

import java.math.BigInteger;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.util.BigIntegers;

/** A secp256k1 private key, encoded as its 32-byte big-endian scalar. Signatures are low-S (BIP 62). */
final class Secp256k1PrivateKey extends PrivateKey {

    private static final int SIZE = 32;

    private final ECPrivateKeyParameters key;
    private final Secp256k1PublicKey publicKey;

    /** @throws IllegalArgumentException unless {@code 1 <= d < n} */
    Secp256k1PrivateKey(BigInteger d) {
        super(KeyType.SECP256K1);
        this.publicKey = new Secp256k1PublicKey(EcCurve.SECP256K1.publicPoint(d));
        this.key = new ECPrivateKeyParameters(d, EcCurve.SECP256K1.domain);
    }

    /** @throws IllegalArgumentException unless {@code data} is 32 bytes holding a scalar in {@code [1, n-1]} */
    static Secp256k1PrivateKey decode(byte[] data) {
        if (data.length != SIZE) {
            throw new IllegalArgumentException("expected " + SIZE + " bytes, got " + data.length);
        }
        return new Secp256k1PrivateKey(new BigInteger(1, data));
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        return Ecdsa.sign(key, data, true);
    }

    @Override
    byte[] raw() {
        return BigIntegers.asUnsignedByteArray(SIZE, key.getD());
    }
}
