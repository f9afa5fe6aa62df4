package io.peerflux.multiformats;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A digest tagged with the hash function that made it
 * (<a href="https://github.com/multiformats/multihash">multiformats/multihash</a>):
 * {@code <varint code><varint digest length><digest>}.
 *
 * <p>Immutable: the digest is copied in and out. Equality is by code and digest content.
 *
 * @param code the multicodec code of the hash function, for example {@link #SHA2_256}
 * @param digest the digest, at most {@link #MAX_DIGEST_LENGTH} bytes
 */
public record Multihash(int code, byte[] digest) {

    /** The identity "hash": the digest is the data itself (used for small public keys). */
    public static final int IDENTITY = 0x00;
    /** SHA2-256, 32-byte digests. */
    public static final int SHA2_256 = 0x12;
    /** Longest digest accepted, so that a length read from the wire cannot ask for unbounded memory. */
    public static final int MAX_DIGEST_LENGTH = 128;

    /**
     * Validates and copies the digest.
     *
     * @throws IllegalArgumentException if {@code code} is negative or the digest is too long
     */
    public Multihash {
        if (code < 0) {
            throw new IllegalArgumentException("multihash code must be non-negative, got " + code);
        }
        if (digest.length > MAX_DIGEST_LENGTH) {
            throw new IllegalArgumentException("multihash digest of " + digest.length + " bytes exceeds " + MAX_DIGEST_LENGTH);
        }
        digest = digest.clone();
    }

    /** Returns a multihash whose digest is {@code data} itself. */
    public static Multihash identity(byte[] data) {
        return new Multihash(IDENTITY, data);
    }

    /** Returns the SHA2-256 multihash of {@code data}. */
    public static Multihash sha256(byte[] data) {
        try {
            return new Multihash(SHA2_256, MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** Returns a multihash with the given code and digest; same as the constructor. */
    public static Multihash of(int code, byte[] digest) {
        return new Multihash(code, digest);
    }

    /** Returns a copy of the digest. */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** Returns the number of bytes {@link #bytes()} produces. */
    public int encodedLength() {
        return Varint.size(code) + Varint.size(digest.length) + digest.length;
    }

    /** Returns the binary form: varint code, varint digest length, digest. */
    public byte[] bytes() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        out.put(Varint.encode(code)).put(Varint.encode(digest.length)).put(digest);
        return out.array();
    }

    /**
     * Parses a binary multihash that fills {@code bytes} exactly.
     *
     * @throws IllegalArgumentException if it is malformed, truncated or followed by other bytes
     */
    public static Multihash parse(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Multihash multihash = read(in);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("multihash followed by " + in.remaining() + " trailing byte(s) at offset " + in.position());
        }
        return multihash;
    }

    /**
     * Reads one binary multihash at {@code in}'s position and advances past it.
     *
     * @throws IllegalArgumentException if it is malformed or truncated; the position is then unchanged
     */
    public static Multihash read(ByteBuffer in) {
        int start = in.position();
        try {
            long code = Varint.read(in);
            if (code > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("multihash code " + code + " is out of range");
            }
            long length = Varint.read(in);
            if (length > MAX_DIGEST_LENGTH) {
                throw new IllegalArgumentException("multihash digest length " + length + " exceeds " + MAX_DIGEST_LENGTH);
            }
            if (length > in.remaining()) {
                throw new IllegalArgumentException("truncated multihash: digest length " + length + " but " + in.remaining() + " byte(s) left");
            }
            byte[] digest = new byte[(int) length];
            in.get(digest);
            return new Multihash((int) code, digest);
        } catch (IllegalArgumentException e) {
            in.position(start);
            throw e;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multihash other && code == other.code && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "Multihash[code=0x" + Integer.toHexString(code) + ", digest=" + HexFormat.of().formatHex(digest) + "]";
    }
}
