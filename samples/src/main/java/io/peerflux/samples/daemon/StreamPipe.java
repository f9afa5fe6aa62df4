package io.peerflux.samples.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.Stream;
import java.io.IOException;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Joins a client socket to a libp2p stream (CONTROL.md: after STREAM_OPEN's response, and after the StreamInfo of
 * an inbound stream, "the daemon begins piping"). Bytes read from the socket are sent on the stream, and bytes
 * received on the stream are written to the socket, each way with backpressure: the socket is read only while the
 * stream asks for bytes, and the stream is asked for more only while the socket is writable.
 *
 * <p>Ends: the client half-closing its socket half-closes the stream; the remote half-closing the stream shuts the
 * socket's output down; when both have happened the socket is closed and {@link #done()} completes. The client
 * closing its socket before that, a socket error, or a stream reset aborts both: the stream is reset, the socket
 * closed and {@link #done()} fails. All state is confined to the socket's event loop.
 *
 * <p>Ownership: every buffer read from the socket, and {@code leftover}, goes to the stream (which owns what it
 * pulls) or is released here; buffers received from the stream are retained and handed to the socket.
 */
final class StreamPipe extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(StreamPipe.class);

    private final Stream stream;
    private final Sinks.Empty<Void> done = Sinks.empty();
    private ByteBuf leftover;

    private ChannelHandlerContext ctx;
    private FluxSink<ByteBuf> toStream;
    private SocketWriter toSocket;
    private boolean inputEnded;
    private boolean sendFinished;
    private boolean outputFinished;
    private boolean finished;

    /**
     * @param leftover bytes the client sent before the pipe started (may be empty); owned by the pipe from now on
     * @param inputEnded whether the client already half-closed its socket
     */
    StreamPipe(Stream stream, ByteBuf leftover, boolean inputEnded) {
        this.stream = stream;
        this.leftover = leftover;
        this.inputEnded = inputEnded;
    }

    /** Completes when both directions have ended cleanly; fails when the pipe was aborted. */
    Mono<Void> done() {
        return done.asMono();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        Flux<ByteBuf> fromSocket = Flux.<ByteBuf>create(sink -> ctx.executor().execute(() -> attach(sink)))
                .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
        stream.send(fromSocket).then(stream.closeWrite()).subscribe(
                null,
                e -> ctx.executor().execute(() -> abort("sending on the stream failed", e)),
                () -> ctx.executor().execute(() -> {
                    sendFinished = true;
                    finishIfDone();
                }));
        toSocket = new SocketWriter();
        stream.receive().subscribe(toSocket);
        if (!ctx.channel().isActive()) {
            channelInactive(ctx);
        }
    }

    /** Runs on the event loop when the stream subscribes to the socket's bytes. */
    private void attach(FluxSink<ByteBuf> sink) {
        if (finished) {
            sink.error(new IOException("the pipe was aborted"));
            return;
        }
        toStream = sink;
        sink.onRequest(n -> ctx.executor().execute(this::readIfWanted));
        if (leftover != null) {
            ByteBuf first = leftover;
            leftover = null;
            if (first.isReadable()) {
                sink.next(first);
            } else {
                first.release();
            }
        }
        if (inputEnded) {
            sink.complete();
        } else {
            readIfWanted();
        }
    }

    private void readIfWanted() {
        if (!finished && !inputEnded && toStream != null && toStream.requestedFromDownstream() > 0) {
            ctx.read();
        }
    }

    /**
     * Passes the client's bytes on to the stream. Bytes can come before the stream subscribed, or beyond its demand:
     * the socket is read unasked when the client half-closes (Netty's epoll transport reads what precedes the end of
     * input once it sees it, with half-closure allowed). Those are kept, in {@code leftover} until the stream
     * subscribes, then in the sink's queue until it asks; at most one such unasked read loop's worth.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || finished) {
            ReferenceCountUtil.release(msg);
        } else if (toStream == null) {
            leftover = Unpooled.wrappedBuffer(leftover, buf);
        } else {
            toStream.next(buf);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfWanted();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent && !inputEnded) {
            inputEnded = true;
            if (toStream != null) {
                toStream.complete();
            }
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            toSocket.resume();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        abort("socket failed", cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abort("the client closed the socket before the stream ended", null);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (leftover != null) {
            leftover.release();
            leftover = null;
        }
    }

    private void finishIfDone() {
        if (sendFinished && outputFinished && !finished) {
            finished = true;
            ctx.close();
            done.tryEmitEmpty();
        }
    }

    /** Ends both directions at once: the stream is reset and the socket closed. Does nothing once finished. */
    private void abort(String reason, Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        log.debug("stream {} pipe aborted: {}", stream.id(), reason, cause);
        if (leftover != null) {
            leftover.release();
            leftover = null;
        }
        if (toStream != null) {
            toStream.error(new IOException(reason, cause));
        }
        toSocket.cancel();
        stream.reset().subscribe();
        ctx.close();
        done.tryEmitError(new IOException(reason, cause));
    }

    /** Writes what the stream receives to the socket, one buffer at a time while the socket is writable. */
    private final class SocketWriter extends BaseSubscriber<ByteBuf> {

        private boolean paused;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(ByteBuf buf) {
            buf.retain();
            ctx.executor().execute(() -> write(buf));
        }

        @Override
        protected void hookOnComplete() {
            ctx.executor().execute(StreamPipe.this::shutdownOutput);
        }

        @Override
        protected void hookOnError(Throwable e) {
            ctx.executor().execute(() -> abort("the stream failed", e));
        }

        private void write(ByteBuf buf) {
            if (finished) {
                buf.release();
                return;
            }
            ctx.writeAndFlush(buf).addListener(written -> {
                if (!written.isSuccess()) {
                    abort("writing to the socket failed", written.cause());
                }
            });
            if (ctx.channel().isWritable()) {
                request(1);
            } else {
                paused = true;
            }
        }

        void resume() {
            if (paused && !finished) {
                paused = false;
                request(1);
            }
        }
    }

    private void shutdownOutput() {
        if (finished) {
            return;
        }
        if (!(ctx.channel() instanceof DuplexChannel duplex)) {
            outputFinished = true;
            finishIfDone();
            return;
        }
        duplex.shutdownOutput().addListener(shut -> {
            if (shut.isSuccess()) {
                outputFinished = true;
                finishIfDone();
            } else {
                abort("cannot half-close the socket", shut.cause());
            }
        });
    }
}
