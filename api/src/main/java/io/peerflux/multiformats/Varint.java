package io.peerflux.multiformats;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Unsigned varints as the multiformats specs use them: 7 bits per byte, least significant group
 * first, the high bit set on every byte but the last.
 *
 * <p>Following <a href="https://github.com/multiformats/unsigned-varint">unsigned-varint</a>, a
 * varint is at most {@value #MAX_BYTES} bytes long (so values span {@code 0 .. 2^63-1}) and must be
 * minimally encoded: a multi-byte varint never ends in a zero byte. Decoders reject anything else,
 * so every value has exactly one encoding.
 */
public final class Varint {

    /** The longest varint the spec allows: 9 bytes carry 63 bits. */
    public static final int MAX_BYTES = 9;

    private Varint() {}

    /**
     * Returns how many bytes {@link #encode(long)} produces for {@code value}.
     *
     * @param value a non-negative value
     * @return 1 to {@value #MAX_BYTES}
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static int size(long value) {
        requireNonNegative(value);
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return Math.max(1, (bits + 6) / 7);
    }

    /**
     * Encodes {@code value} into a new array of {@link #size(long)} bytes.
     *
     * @param value a non-negative value
     * @return the minimal encoding
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        int i = 0;
        while (value >= 0x80) {
            out[i++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        out[i] = (byte) value;
        return out;
    }

    /**
     * Writes the encoding of {@code value} at {@code out}'s writer index.
     *
     * @param value a non-negative value
     * @param out the buffer to append to; it is neither retained nor released
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static void write(long value, ByteBuf out) {
        requireNonNegative(value);
        while (value >= 0x80) {
            out.writeByte((int) (value | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    /**
     * Reads one varint at {@code in}'s position and advances past it.
     *
     * @param in the bytes to read
     * @return the decoded value
     * @throws IllegalArgumentException if the varint is truncated, longer than {@value #MAX_BYTES}
     *     bytes or not minimally encoded; the position is then left unchanged
     */
    public static long read(ByteBuffer in) {
        int start = in.position();
        long value = 0;
        for (int i = 0; ; i++) {
            if (start + i >= in.limit()) {
                throw new IllegalArgumentException("truncated varint: " + i + " byte(s) with the continuation bit set, then end of input");
            }
            int b = in.get(start + i) & 0xff;
            value = accumulate(value, b, i);
            if (b < 0x80) {
                in.position(start + i + 1);
                return value;
            }
        }
    }

    /**
     * Reads one varint at {@code in}'s reader index if it is complete, which is what stream decoders
     * need: they call again when more bytes have arrived.
     *
     * @param in the bytes received so far; it is neither retained nor released
     * @return the decoded value with the reader index advanced past it, or {@code -1} with the reader
     *     index untouched if the readable bytes end inside the varint
     * @throws IllegalArgumentException if the varint is longer than {@value #MAX_BYTES} bytes or not
     *     minimally encoded; the reader index is then left unchanged
     */
    public static long read(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        long value = 0;
        for (int i = 0; i < readable; i++) {
            int b = in.getUnsignedByte(start + i);
            value = accumulate(value, b, i);
            if (b < 0x80) {
                in.readerIndex(start + i + 1);
                return value;
            }
        }
        return -1;
    }

    /** Adds byte {@code b}, found at index {@code i} of a varint, to the value decoded so far. */
    private static long accumulate(long value, int b, int i) {
        if (i == MAX_BYTES - 1 && b >= 0x80) {
            throw new IllegalArgumentException("varint longer than " + MAX_BYTES + " bytes");
        }
        if (i > 0 && b == 0) {
            throw new IllegalArgumentException("varint not minimally encoded: " + (i + 1) + " bytes ending in 0x00");
        }
        return value | (long) (b & 0x7f) << (7 * i);
    }

    private static void requireNonNegative(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("varint values are unsigned 63-bit, got " + value);
        }
    }
}
