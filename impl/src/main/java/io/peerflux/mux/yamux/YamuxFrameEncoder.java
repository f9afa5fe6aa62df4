package io.peerflux.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes {@link YamuxFrame} headers as their 12 wire bytes. A DATA frame's payload of more than
 * {@value YamuxHandler#COPIED_PAYLOAD} bytes is written by the session as the next message and passes through
 * untouched, so it is never copied; the secure channel below coalesces header and payload into one encrypted message
 * at the next flush. A shorter one is copied behind its header by {@link YamuxHandler}.
 */
@Sharable
final class YamuxFrameEncoder extends MessageToByteEncoder<YamuxFrame> {

    static final YamuxFrameEncoder INSTANCE = new YamuxFrameEncoder();

    private YamuxFrameEncoder() {
        super(YamuxFrame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, YamuxFrame frame, boolean preferDirect) {
        return preferDirect
                ? ctx.alloc().ioBuffer(YamuxFrame.HEADER_LENGTH)
                : ctx.alloc().heapBuffer(YamuxFrame.HEADER_LENGTH);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, YamuxFrame frame, ByteBuf out) {
        writeHeader(frame, out);
    }

    static void writeHeader(YamuxFrame frame, ByteBuf out) {
        out.writeByte(YamuxFrame.VERSION)
                .writeByte(frame.type().ordinal())
                .writeShort(frame.flags())
                .writeInt(frame.streamId())
                .writeInt(frame.length());
    }
}
