package io.peerflux.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.peerflux.multiformats.Varint;

/**
 * Writes {@link MplexFrame} headers as their two varints. A message's data is written by the session as the next
 * message and passes through untouched, so it is never copied; the secure channel below coalesces header and data
 * into one encrypted message at the next flush.
 */
@Sharable
final class MplexFrameEncoder extends MessageToByteEncoder<MplexFrame> {

    static final MplexFrameEncoder INSTANCE = new MplexFrameEncoder();

    private MplexFrameEncoder() {
        super(MplexFrame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, MplexFrame frame, boolean preferDirect) {
        int size = Varint.size(frame.header()) + Varint.size(frame.length());
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MplexFrame frame, ByteBuf out) {
        Varint.write(frame.header(), out);
        Varint.write(frame.length(), out);
    }
}
