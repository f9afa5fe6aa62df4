package io.peerflux.samples.daemon;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.peerflux.multiformats.Varint;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The framing of the control protocol: every message is an unsigned varint length followed by that many bytes of
 * protobuf (CONTROL.md, "Data Types": "All messages are varint-delimited").
 *
 * <pre>
 *   +-----------------+---------------------------+
 *   | length (varint) | protobuf message (length) |
 *   +-----------------+---------------------------+
 * </pre>
 */
final class ControlFrames {

    /** The longest message accepted, as p2pd's (4 MiB). */
    static final int MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

    private ControlFrames() {
    }

    /** Thrown for input that can never become a valid frame. */
    static final class FrameException extends RuntimeException {
        FrameException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads one frame at {@code in}'s reader index if it is complete.
     *
     * <p>Ownership: the returned slice shares {@code in}'s memory and reference count (not retained); it is valid
     * until {@code in} is released or discarded.
     *
     * @return the message bytes, with {@code in}'s reader index past the frame; or {@code null} (reader index
     *     untouched) while the frame is incomplete
     * @throws FrameException if the length prefix is not a minimal varint or exceeds {@link #MAX_MESSAGE_SIZE}
     */
    static ByteBuf read(ByteBuf in) {
        int start = in.readerIndex();
        long length;
        try {
            length = Varint.read(in);
        } catch (IllegalArgumentException e) {
            throw new FrameException("malformed length prefix: " + e.getMessage());
        }
        if (length > MAX_MESSAGE_SIZE) {
            throw new FrameException("message of " + length + " bytes exceeds the limit of " + MAX_MESSAGE_SIZE);
        }
        if (length < 0 || in.readableBytes() < length) {
            in.readerIndex(start);
            return null;
        }
        return in.readSlice((int) length);
    }

    /**
     * Encodes {@code message} as one frame.
     *
     * <p>Ownership: the caller owns the returned buffer.
     */
    static ByteBuf encode(MessageLite message, ByteBufAllocator alloc) {
        int size = message.getSerializedSize();
        ByteBuf out = alloc.buffer(Varint.size(size) + size);
        Varint.write(size, out);
        try {
            message.writeTo(new ByteBufOutputStream(out));
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException("a ByteBuf output stream does not fail", e);
        }
        return out;
    }
}
