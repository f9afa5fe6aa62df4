package io.peerflux.crypto;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 public key: the 32-byte encoding of RFC 8032 section 5.1.2, signatures per section 5.1.7. */
final class Ed25519PublicKey extends PublicKey {

    private final Ed25519PublicKeyParameters key;

    Ed25519PublicKey(Ed25519PublicKeyParameters key) {
        super(KeyType.ED25519, key.getEncoded());
        this.key = key;
    }

    /** @throws IllegalArgumentException unless {@code data} is 32 bytes encoding a curve point */
    static Ed25519PublicKey decode(byte[] data) {
        if (data.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("expected " + Ed25519PublicKeyParameters.KEY_SIZE + " bytes, got " + data.length);
        }
        return new Ed25519PublicKey(new Ed25519PublicKeyParameters(data));
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        requireArguments(data, signature);
        return signature.length == Ed25519PrivateKeyParameters.SIGNATURE_SIZE
                && key.verify(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
    }
}
