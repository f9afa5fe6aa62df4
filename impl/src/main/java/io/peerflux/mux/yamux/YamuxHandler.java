package io.peerflux.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.ConnectionClosedException;
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
 * Hosts a {@link YamuxSession} at the end of the channel pipeline: passes it frames, payload and connection events,
 * carries out its writes, and gives it a Reactor face ({@link MuxerSession}) that may be used from any thread.
 * Nothing escapes to the pipeline: every error closes the connection and resets the streams.
 *
 * <p>Flushes asked for while a batch of reads is being handled wait for its end ({@code channelReadComplete}), so
 * what the batch caused (window updates, ping answers, data the window let go) leaves in one encrypted message and
 * one system call rather than one each.
 */
final class YamuxHandler extends ChannelInboundHandlerAdapter implements MuxerSession, YamuxSession.Outbound {

    /** How long a closing session waits for its GoAway, and what was written before it, to reach the socket. */
    static final long CLOSE_GRACE_MILLIS = 5_000;
    /** The longest DATA payload sent in one buffer with its header. */
    static final int COPIED_PAYLOAD = 1024;

    private final Channel channel;
    private final YamuxSession session;
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private ChannelHandlerContext ctx;
    private boolean started;
    private boolean reading;
    private boolean flushAfterRead;

    YamuxHandler(Channel channel, YamuxConfig config, boolean initiator, Consumer<MuxedStream> inbound) {
        this.channel = channel;
        this.session = new YamuxSession(config, initiator, channel.eventLoop(), this, inbound, channel,
                ConnectionResources.of(channel));
    }

    // ---- MuxerSession, any thread ----

    /**
     * Opens a stream on the event loop. Fails with {@link ConnectionClosedException} once the session is closed or
     * the remote went away, with {@link io.peerflux.LimitExceededException} at the outbound stream limit; waits
     * while {@link YamuxSession#MAX_ACK_BACKLOG} opened streams are unacknowledged. A stream opened after the
     * subscriber cancelled is reset.
     */
    @Override
    public Mono<MuxedStream> openStream() {
        return Mono.<MuxedStream>create(sink -> {
            YamuxSession.OpenCallback callback = new YamuxSession.OpenCallback() {
                @Override
                public void opened(YamuxStream stream) {
                    sink.success(stream);
                }

                @Override
                public void failed(Throwable error) {
                    sink.error(error);
                }
            };
            sink.onCancel(() -> onLoop(() -> session.cancelOpen(callback), e -> { }));
            onLoop(() -> session.openStream(callback), e -> sink.error(ConnectionClosedException.of(channel, e)));
        }).doOnDiscard(YamuxStream.class, YamuxStream::reset);
    }

    /** Sends GoAway(normal), resets every stream and closes the connection; completes once it is closed. */
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
        if (channel.isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (!started) {
            started = true;
            session.start();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (msg instanceof YamuxFrame frame) {
            session.onFrame(frame);
        } else if (msg instanceof ByteBuf payload) {
            session.onPayload(payload);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (flushAfterRead) {
            flushAfterRead = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
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

    // ---- YamuxSession.Outbound, event loop ----

    @Override
    public void write(YamuxFrame header) {
        ctx.write(header, ctx.voidPromise());
    }

    /**
     * A payload of up to {@value #COPIED_PAYLOAD} bytes is copied behind its header into one buffer: cheaper than the
     * secure channel gathering two buffers into one message.
     */
    @Override
    public void write(YamuxFrame header, ByteBuf payload) {
        int length = payload.readableBytes();
        if (length <= COPIED_PAYLOAD) {
            ByteBuf frame = ctx.alloc().ioBuffer(YamuxFrame.HEADER_LENGTH + length);
            YamuxFrameEncoder.writeHeader(header, frame);
            frame.writeBytes(payload);
            payload.release();
            ctx.write(frame, ctx.voidPromise());
        } else {
            ctx.write(header, ctx.voidPromise());
            ctx.write(payload, ctx.voidPromise());
        }
    }

    @Override
    public void flush() {
        if (reading) {
            flushAfterRead = true;
        } else {
            ctx.flush();
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void close(YamuxFrame lastFrame) {
        if (lastFrame == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(lastFrame).addListener(ChannelFutureListener.CLOSE);
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> deadline.cancel(false));
    }
}
