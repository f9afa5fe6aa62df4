package io.peerflux.multistream;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;

/** Builds multistream bytes by hand, independently of {@link MultistreamCodec}, for tests. */
final class Wire {

    static final byte[] HEADER = message("/multistream/1.0.0");
    static final byte[] NA = message("na");
    static final byte[] LS = message("ls");

    private Wire() {
    }

    /** A message as the specs draw it: a one- or two-byte uvarint length, the text, a newline. */
    static byte[] message(String text) {
        byte[] bytes = text.getBytes(UTF_8);
        int length = bytes.length + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (length < 0x80) {
            out.write(length);
        } else {
            out.write(length & 0x7f | 0x80);
            out.write(length >>> 7);
        }
        out.writeBytes(bytes);
        out.write('\n');
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] ascii(String text) {
        return text.getBytes(UTF_8);
    }

    /** A buffer from the default (pooled, leak-tracked) allocator holding {@code parts}. */
    static ByteBuf buf(byte[]... parts) {
        byte[] bytes = concat(parts);
        return ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes);
    }

    /** Copies {@code buf}'s readable bytes, leaving it as it is. */
    static byte[] peek(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    /** Reads {@code buf}'s readable bytes and releases it. */
    static byte[] drain(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
