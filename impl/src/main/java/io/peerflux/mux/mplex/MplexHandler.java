package io.peerflux.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.ConnectionClosedException;
import io.peerflux.PeerfluxException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import io.peerflux.resource.ConnectionResources;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Hosts an {@link MplexSession} at the end of the channel pipeline: passes it frames, data and connection events,
 * carries out its writes and read pauses, and gives it a Reactor face ({@link MuxerSession}) that may be used from
 * any thread. Nothing escapes to the pipeline: every error closes the connection and resets the streams.
 */
final class MplexHandler extends ChannelInboundHandlerAdapter implements MuxerSession, MplexSession.Outbound {

    /** How long a closing session waits for what was written before to reach the socket. */
    static final long CLOSE_GRACE_MILLIS = 5_000;

    private final Channel channel;
    private final MplexSession session;
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private ChannelHandlerContext ctx;

    MplexHandler(Channel channel, MplexConfig config, Consumer<MuxedStream> inbound) {
        this.channel = channel;
        this.session = new MplexSession(config, channel.eventLoop(), this, inbound, channel,
                ConnectionResources.of(channel));
    }

    // ---- MuxerSession, any thread ----

    /**
     * Opens a stream on the event loop. Fails with {@link ConnectionClosedException} once the session is closed,
     * with {@link io.peerflux.LimitExceededException} at the outbound stream limit. A stream opened after the
     * subscriber cancelled is reset.
     */
    @Override
    public Mono<MuxedStream> openStream() {
        return Mono.<MuxedStream>create(sink -> onLoop(() -> {
            try {
                sink.success(session.openStream());
            } catch (PeerfluxException e) {
                sink.error(e);
            }
        }, e -> sink.error(ConnectionClosedException.of(channel, e)))).doOnDiscard(MplexStream.class,
                MplexStream::reset);
    }

    /** Resets every stream and closes the connection once what was written has gone out; completes when closed. */
    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            onLoop(session::close, e -> channel.close());
            return closed.asMono();
        });
    }

    @Override
    public Mono<Void> onClose() {
        return closed.asMono();
    }

    @Override
    public int streamCount() {
        return session.streamCount();
    }

    private void onLoop(Runnable task, Consumer<RejectedExecutionException> rejected) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                rejected.accept(e);
            }
        }
    }

    // ---- pipeline events, event loop ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MplexFrame frame) {
            session.onFrame(frame);
        } else if (msg instanceof ByteBuf data) {
            session.onData(data);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            session.onChannelWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.onConnectionClosed();
        closed.tryEmitEmpty();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable error = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (error instanceof ProtocolViolationException violation) {
            session.fail(violation);
        } else {
            session.abort(error);
        }
    }

    // ---- MplexSession.Outbound, event loop ----

    @Override
    public void write(MplexFrame header) {
        ctx.write(header, ctx.voidPromise());
    }

    @Override
    public void write(MplexFrame header, ByteBuf data) {
        ctx.write(header, ctx.voidPromise());
        ctx.write(data, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        channel.config().setAutoRead(reading);
    }

    @Override
    public void close(boolean graceful) {
        if (!graceful) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> deadline.cancel(false));
    }
}
