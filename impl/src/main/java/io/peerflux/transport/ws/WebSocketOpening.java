package io.peerflux.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits, at the end of the pipeline, for Netty's WebSocket handshake to complete on either side, then leaves the
 * pipeline and reports the channel open: from then on it carries the byte stream. Until then, an error, the
 * channel's closing or {@code timeout} fails the opening (and closes the channel), reported once.
 */
final class WebSocketOpening extends ChannelInboundHandlerAdapter {

    /** Where the outcome goes; called once, on the event loop. */
    interface Outcome {
        void opened(Channel channel);

        void failed(Throwable cause);
    }

    private final Duration timeout;
    private final Outcome outcome;
    private ScheduledFuture<?> timer;
    private boolean done;

    WebSocketOpening(Duration timeout, Outcome outcome) {
        this.timeout = timeout;
        this.outcome = outcome;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(
                () -> fail(ctx, new TimeoutException("WebSocket upgrade not done within " + timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (!ctx.channel().isActive()) {
            fail(ctx, new ClosedChannelException());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel(false);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof HandshakeComplete || event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)) {
            ctx.fireUserEventTriggered(event);
        } else if (!done) {
            done = true;
            ctx.pipeline().remove(this);
            outcome.opened(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, new ClosedChannelException());
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            done = true;
            timer.cancel(false);
            outcome.failed(cause);
            ctx.close();
        }
    }
}
