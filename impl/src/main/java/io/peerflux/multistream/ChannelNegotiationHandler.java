package io.peerflux.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerflux.NegotiationException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.MonoSink;

/**
 * Runs a negotiation at the end of a raw connection's pipeline, then hands the connection to the agreed protocol
 * without losing a byte.
 *
 * <p>Handover, all on the event loop: (1) the sink is completed, and its subscriber adds the agreed protocol's
 * handlers (Noise, TLS, ...) behind this one before it returns; (2) this handler removes itself, and
 * {@link ByteToMessageDecoder} then fires the bytes it still holds (the remote's first bytes of the new protocol,
 * pipelined behind its last multistream message) to those handlers, followed by {@code channelReadComplete}. A
 * subscriber that hops to another thread first gets the protocol too late: the held bytes will have gone to the
 * pipeline's tail, which drops them.
 *
 * <p>On failure the sink gets a {@link NegotiationException} and the channel is closed; so it is when the
 * subscription is cancelled before agreement, since the connection is left mid-negotiation.
 */
final class ChannelNegotiationHandler extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(ChannelNegotiationHandler.class);

    private final MultistreamNegotiator negotiator;
    private final Duration timeout;
    private final MonoSink<String> sink;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean done;

    ChannelNegotiationHandler(MultistreamNegotiator negotiator, Duration timeout, MonoSink<String> sink) {
        this.negotiator = negotiator;
        this.timeout = timeout;
        this.sink = sink;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        timer = ctx.executor().schedule(
                () -> fail(NegotiationException.timeout(negotiator.protocols(), timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        ByteBuf out = ctx.alloc().buffer();
        negotiator.start(out);
        send(out);
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        ByteBuf reply = ctx.alloc().buffer();
        String selected;
        try {
            selected = negotiator.read(in, reply);
        } catch (RuntimeException e) {
            reply.release();
            fail(e);
            return;
        }
        send(reply);
        if (selected != null) {
            succeed(selected);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(NegotiationException.closed(negotiator.protocols()));
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            fail(NegotiationException.closed(negotiator.protocols()));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} failed during multistream negotiation", ctx.channel(), cause);
        fail(NegotiationException.closed(negotiator.protocols()));
    }

    /** Gives up on a cancelled subscription: closes the channel. Called on the event loop. */
    void cancel() {
        if (!done) {
            finish();
        }
    }

    private void send(ByteBuf out) {
        if (out.isReadable()) {
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        } else {
            out.release();
        }
    }

    private void succeed(String protocol) {
        done = true;
        timer.cancel(false);
        sink.success(protocol);
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    private void fail(Throwable error) {
        if (done) {
            return;
        }
        log.debug("{} multistream negotiation failed: {}", ctx.channel(), error.toString());
        finish();
        sink.error(error);
    }

    private void finish() {
        done = true;
        if (ctx == null) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        ByteBuf held = internalBuffer();
        held.skipBytes(held.readableBytes());
        ctx.close();
    }
}
