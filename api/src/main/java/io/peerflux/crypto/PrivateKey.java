package io.peerflux.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** PLACEHOLDER (Ed25519 only) until the crypto branch lands. */
public abstract class PrivateKey {
    public abstract KeyType type();
    public abstract PublicKey publicKey();
    public abstract byte[] sign(byte[] data);

    public static PrivateKey generateEd25519() {
        Ed25519PrivateKeyParameters p = new Ed25519PrivateKeyParameters(new SecureRandom());
        PublicKey pub = PublicKey.ed25519(p.generatePublicKey().getEncoded());
        return new PrivateKey() {
            public KeyType type() { return KeyType.ED25519; }
            public PublicKey publicKey() { return pub; }
            public byte[] sign(byte[] data) {
                Ed25519Signer s = new Ed25519Signer();
                s.init(true, p);
                s.update(data, 0, data.length);
                return s.generateSignature();
            }
        };
    }
}
