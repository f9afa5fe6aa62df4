package io.peerflux.pubsub;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Keys, peers and times for the pubsub tests. */
final class PubsubFixtures {

    static final long SECOND = 1_000_000_000L;
    /** A start time far from zero, so that nothing depends on time starting at 0. */
    static final long T0 = 1_704_067_200L * SECOND;

    private PubsubFixtures() {}

    /** The Ed25519 key with the 32-byte seed {@code n, n, …}: the same every run. */
    static PrivateKey key(int n) {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) n);
        seed[0] = (byte) (n >> 8);
        byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
        byte[] pb = new byte[4 + 64];
        pb[0] = 0x08;
        pb[1] = 0x01;
        pb[2] = 0x12;
        pb[3] = 0x40;
        System.arraycopy(seed, 0, pb, 4, 32);
        System.arraycopy(pub, 0, pb, 36, 32);
        return PrivateKey.unmarshal(pb);
    }

    static PeerId peer(int n) {
        return PeerId.fromPublicKey(key(n).publicKey());
    }
}
