package io.peerflux.host;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;

/**
 * Keeps a connection's inbound bytes while an {@link UpgradeStep} that did not answer at once decides, so that bytes
 * the remote pipelined behind the last handshake message reach the next stage's handler instead of the pipeline's
 * tail. Added last in the pipeline; it stops auto-read, and on removal (after the next stage installed its handler
 * behind it) fires what it kept and restores auto-read. A remote that makes it keep more than
 * {@value #MAX_HELD_BYTES} bytes loses the connection. Event loop only.
 *
 * <p>Ownership: buffers kept are passed on at removal, or released when the channel is closed by then.
 */
final class StageHold extends ChannelInboundHandlerAdapter {

    /** More than one read (TCP reads at most 1 MiB) plus a Noise message; reads stop once this handler is added. */
    static final int MAX_HELD_BYTES = 2 << 20;

    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private long heldBytes;
    private boolean autoRead;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        autoRead = ctx.channel().config().isAutoRead();
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        held.add(buf);
        heldBytes += buf.readableBytes();
        if (heldBytes > MAX_HELD_BYTES) {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Fired again with what is kept, on removal.
    }

    /** Releases what is kept: the connection is failing. */
    void discard() {
        held.forEach(ByteBuf::release);
        held.clear();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            discard();
            return;
        }
        boolean any = !held.isEmpty();
        ByteBuf buf;
        while ((buf = held.poll()) != null) {
            ctx.fireChannelRead(buf);
        }
        if (any) {
            ctx.fireChannelReadComplete();
        }
        ctx.channel().config().setAutoRead(autoRead);
    }
}
