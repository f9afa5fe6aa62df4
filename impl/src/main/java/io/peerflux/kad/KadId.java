package io.peerflux.kad;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A point in the DHT's keyspace: the SHA-256 of a key's bytes (kad-dht spec, "Distance"), held as four longs so that
 * XOR distances compare without allocating.
 */
public final class KadId implements Comparable<KadId> {

    /** Bits in the keyspace. */
    public static final int BITS = 256;

    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;

    private KadId(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** The keyspace point of {@code key}: its SHA-256. */
    public static KadId of(byte[] key) {
        return fromDigest(sha256(key));
    }

    /** A point given by its 32 bytes (already a digest). */
    public static KadId fromDigest(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a keyspace point has 32 bytes, not " + digest.length);
        }
        return new KadId(word(digest, 0), word(digest, 8), word(digest, 16), word(digest, 24));
    }

    /** The 32 bytes of this point. */
    public byte[] bytes() {
        byte[] out = new byte[32];
        putWord(out, 0, w0);
        putWord(out, 8, w1);
        putWord(out, 16, w2);
        putWord(out, 24, w3);
        return out;
    }

    /** The number of leading bits this point shares with {@code other}: 256 for the same point. */
    public int commonPrefixLength(KadId other) {
        long x = w0 ^ other.w0;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        x = w1 ^ other.w1;
        if (x != 0) {
            return 64 + Long.numberOfLeadingZeros(x);
        }
        x = w2 ^ other.w2;
        if (x != 0) {
            return 128 + Long.numberOfLeadingZeros(x);
        }
        x = w3 ^ other.w3;
        return x != 0 ? 192 + Long.numberOfLeadingZeros(x) : BITS;
    }

    /** Negative, zero or positive as {@code a} is closer to this point than {@code b}, as close, or farther. */
    public int compareDistance(KadId a, KadId b) {
        int c = Long.compareUnsigned(w0 ^ a.w0, w0 ^ b.w0);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(w1 ^ a.w1, w1 ^ b.w1);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(w2 ^ a.w2, w2 ^ b.w2);
        return c != 0 ? c : Long.compareUnsigned(w3 ^ a.w3, w3 ^ b.w3);
    }

    /** The XOR distance to {@code other}, as a point. */
    public KadId distance(KadId other) {
        return new KadId(w0 ^ other.w0, w1 ^ other.w1, w2 ^ other.w2, w3 ^ other.w3);
    }

    /**
     * This point with bit {@code index} (0 = most significant) flipped and the bits after it replaced by
     * {@code random}'s: a point whose common prefix length with this one is exactly {@code index}.
     */
    public KadId withPrefixOf(int index, KadId random) {
        if (index < 0 || index >= BITS) {
            throw new IllegalArgumentException("bit index out of range: " + index);
        }
        long[] mine = {w0, w1, w2, w3};
        long[] theirs = {random.w0, random.w1, random.w2, random.w3};
        long[] out = new long[4];
        for (int word = 0; word < 4; word++) {
            int from = word * 64;
            if (index >= from + 64) {
                out[word] = mine[word];
            } else if (index < from) {
                out[word] = theirs[word];
            } else {
                int bit = index - from;
                long keep = bit == 0 ? 0 : -1L << (64 - bit);
                long flip = 1L << (63 - bit);
                out[word] = (mine[word] & keep) | ((mine[word] ^ flip) & flip) | (theirs[word] & ~keep & ~flip);
            }
        }
        return new KadId(out[0], out[1], out[2], out[3]);
    }

    /** Orders points as unsigned 256-bit numbers; compared to the zero point, that is by distance. */
    @Override
    public int compareTo(KadId o) {
        int c = Long.compareUnsigned(w0, o.w0);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(w1, o.w1);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(w2, o.w2);
        return c != 0 ? c : Long.compareUnsigned(w3, o.w3);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadId k && k.w0 == w0 && k.w1 == w1 && k.w2 == w2 && k.w3 == w3;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(w0 ^ w3);
    }

    @Override
    public String toString() {
        return String.format("%016x%016x%016x%016x", w0, w1, w2, w3);
    }

    private static long word(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }

    private static void putWord(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** One digest per thread: looking the algorithm up costs more than hashing a peer id. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    });

    private static byte[] sha256(byte[] data) {
        return SHA256.get().digest(data);
    }
}
