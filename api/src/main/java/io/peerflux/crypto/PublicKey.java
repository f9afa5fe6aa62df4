package io.peerflux.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** PLACEHOLDER (Ed25519 only) until the crypto branch lands. */
public abstract class PublicKey {
    public abstract KeyType type();
    public abstract byte[] raw();
    public abstract boolean verify(byte[] data, byte[] signature);

    public byte[] marshal() {
        byte[] raw = raw();
        byte[] out = new byte[4 + raw.length];
        out[0] = 0x08; out[1] = 0x01; out[2] = 0x12; out[3] = (byte) raw.length;
        System.arraycopy(raw, 0, out, 4, raw.length);
        return out;
    }

    public static PublicKey unmarshal(byte[] data) {
        if (data.length != 36 || data[0] != 0x08 || data[1] != 0x01 || data[2] != 0x12 || data[3] != 32) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return ed25519(Arrays.copyOfRange(data, 4, 36));
    }

    static PublicKey ed25519(byte[] raw) {
        Ed25519PublicKeyParameters p = new Ed25519PublicKeyParameters(raw, 0);
        return new PublicKey() {
            public KeyType type() { return KeyType.ED25519; }
            public byte[] raw() { return p.getEncoded(); }
            public boolean verify(byte[] data, byte[] sig) {
                Ed25519Signer s = new Ed25519Signer();
                s.init(false, p);
                s.update(data, 0, data.length);
                return s.verifySignature(sig);
            }
        };
    }

    @Override public boolean equals(Object o) { return o instanceof PublicKey k && Arrays.equals(marshal(), k.marshal()); }
    @Override public int hashCode() { return Arrays.hashCode(marshal()); }
}
