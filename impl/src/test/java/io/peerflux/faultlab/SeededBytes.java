package io.peerflux.faultlab;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The fault lab's payload: a pseudo-random byte stream fixed by a seed, with the SHA-256 of what was produced so
 * far. Sender and receiver hash what they sent and received, and the test hashes the same seed on its own, so a
 * byte lost, repeated, reordered or corrupted anywhere shows as a mismatch. Not thread-safe.
 */
final class SeededBytes {

    /** The chunk size senders use; a multiple of 8 so the stream does not depend on how it is chunked. */
    static final int CHUNK = 64 * 1024;

    private final SplittableRandom random;
    private final Digest digest = new Digest();

    SeededBytes(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next {@code size} bytes (a multiple of 8, except for the last chunk of a stream), hashed on the way. */
    ByteBuf next(ByteBufAllocator alloc, int size) {
        byte[] bytes = new byte[size];
        ByteBuffer words = ByteBuffer.wrap(bytes);
        while (words.remaining() >= 8) {
            words.putLong(random.nextLong());
        }
        if (words.hasRemaining()) {
            long last = random.nextLong();
            for (int shift = 56; words.hasRemaining(); shift -= 8) {
                words.put((byte) (last >>> shift));
            }
        }
        // One write: at PARANOID, Netty records a stack trace for every access to a tracked buffer.
        ByteBuf buf = alloc.buffer(size).writeBytes(bytes);
        digest.update(buf);
        return buf;
    }

    Digest digest() {
        return digest;
    }

    /** The SHA-256 of the first {@code bytes} bytes of the stream of {@code seed}, computed here. */
    static String expected(long seed, long bytes) {
        SeededBytes source = new SeededBytes(seed);
        ByteBufAllocator alloc = io.netty.buffer.UnpooledByteBufAllocator.DEFAULT;
        for (long left = bytes; left > 0; left -= CHUNK) {
            source.next(alloc, (int) Math.min(CHUNK, left)).release();
        }
        return source.digest().hex();
    }

    /** A running SHA-256 and byte count. */
    static final class Digest {
        private final MessageDigest sha = sha256();
        private long bytes;

        void update(ByteBuf buf) {
            bytes += buf.readableBytes();
            for (ByteBuffer part : buf.nioBuffers()) {
                sha.update(part);
            }
        }

        long bytes() {
            return bytes;
        }

        /** The digest so far, in hex; the running digest carries on (a clone is finished). */
        String hex() {
            try {
                return HexFormat.of().formatHex(((MessageDigest) sha.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
