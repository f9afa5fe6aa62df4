package io.peerflux.peer;

import io.peerflux.crypto.PublicKey;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

/** PLACEHOLDER (identity multihash only) until the crypto branch lands. */
public final class PeerId implements Comparable<PeerId> {
    private final byte[] bytes;

    private PeerId(byte[] bytes) { this.bytes = bytes; }

    public static PeerId fromPublicKey(PublicKey key) {
        byte[] m = key.marshal();
        byte[] b = new byte[2 + m.length];
        b[1] = (byte) m.length;
        System.arraycopy(m, 0, b, 2, m.length);
        return new PeerId(b);
    }

    public static PeerId fromBytes(byte[] b) { return new PeerId(b.clone()); }

    public byte[] bytes() { return bytes.clone(); }

    public Optional<PublicKey> publicKey() {
        return Optional.of(PublicKey.unmarshal(Arrays.copyOfRange(bytes, 2, bytes.length)));
    }

    public boolean matches(PublicKey key) { return equals(fromPublicKey(key)); }

    public String toBase58() {
        String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        BigInteger n = new BigInteger(1, bytes);
        StringBuilder sb = new StringBuilder();
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(BigInteger.valueOf(58));
            sb.append(alphabet.charAt(qr[1].intValue()));
            n = qr[0];
        }
        for (int i = 0; i < bytes.length && bytes[i] == 0; i++) sb.append('1');
        return sb.reverse().toString();
    }

    @Override public String toString() { return toBase58(); }
    @Override public boolean equals(Object o) { return o instanceof PeerId p && Arrays.equals(bytes, p.bytes); }
    @Override public int hashCode() { return Arrays.hashCode(bytes); }
    @Override public int compareTo(PeerId o) { return Arrays.compare(bytes, o.bytes); }
}
