package io.peerflux.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peerflux.ProtocolViolationException;
import java.util.List;

/**
 * Splits the plaintext byte stream into {@link YamuxFrame} headers, each DATA header followed by its payload as one
 * or more {@code ByteBuf} slices of what was read (never copied, never empty, summing to the header's length). The
 * payload is passed on as it arrives instead of being gathered into one buffer, so a large frame costs no copy and
 * the session can check it against the stream's window before any of it is buffered.
 *
 * <p>Malformed input (a version other than 0, an unknown type, a DATA length above {@code maxDataLength}) fails
 * with {@link ProtocolViolationException} of connection scope; the decoder then discards everything that follows.
 *
 * <p>Ownership: the payload slices are retained; whoever receives them releases them.
 */
final class YamuxFrameDecoder extends ByteToMessageDecoder {

    private final int maxDataLength;
    private int payloadRemaining;
    private boolean failed;

    /** @param maxDataLength the largest DATA payload accepted: no stream window is ever larger */
    YamuxFrameDecoder(int maxDataLength) {
        this.maxDataLength = maxDataLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
        } else if (payloadRemaining > 0) {
            int n = Math.min(payloadRemaining, in.readableBytes());
            payloadRemaining -= n;
            out.add(in.readRetainedSlice(n));
        } else if (in.readableBytes() >= YamuxFrame.HEADER_LENGTH) {
            out.add(readHeader(in));
        }
    }

    private YamuxFrame readHeader(ByteBuf in) {
        int version = in.readUnsignedByte();
        int typeCode = in.readUnsignedByte();
        int flags = in.readUnsignedShort();
        int streamId = in.readInt();
        int length = in.readInt();
        if (version != YamuxFrame.VERSION) {
            throw fail("unsupported version " + version);
        }
        YamuxFrame.Type type = YamuxFrame.Type.of(typeCode);
        if (type == null) {
            throw fail("unknown frame type " + typeCode);
        }
        if (type == YamuxFrame.Type.DATA) {
            if (Integer.compareUnsigned(length, maxDataLength) > 0) {
                throw fail("data frame of " + Integer.toUnsignedString(length) + " bytes exceeds the maximum window of "
                        + maxDataLength);
            }
            payloadRemaining = length;
        }
        return new YamuxFrame(type, flags, streamId, length);
    }

    private ProtocolViolationException fail(String reason) {
        failed = true;
        return ProtocolViolationException.connection("yamux", reason);
    }
}
