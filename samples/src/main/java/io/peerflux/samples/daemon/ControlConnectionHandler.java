package io.peerflux.samples.daemon;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.Stream;
import io.peerflux.samples.daemon.ControlFrames.FrameException;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;

/**
 * One control connection: reads requests one at a time (a varint-delimited {@code Request} each), answers each
 * before reading the next, and after a successful STREAM_OPEN turns the connection into that stream (CONTROL.md,
 * "StreamOpen"). All state is confined to the connection's event loop.
 *
 * <p>An answer is a sequence of messages (see {@link ControlRequests#answer}); they are written one at a time, the
 * next only once the previous left, so a long streaming answer to a slow client holds one message in memory.
 *
 * <p>Bad input (a malformed length, a message over {@link ControlFrames#MAX_MESSAGE_SIZE}, bytes that are not a
 * {@code Request}) is answered with an ERROR response, then this connection is closed; nothing else is affected.
 * A client that disconnects mid-request cancels the work in flight.
 *
 * <p>Ownership: inbound buffers are accumulated in one buffer owned here and released on close; bytes that follow a
 * STREAM_OPEN request are handed to the {@link StreamPipe}.
 */
final class ControlConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ControlConnectionHandler.class);

    /** How long a connection that sent bad input may linger, its input discarded, after the ERROR answer. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private enum State { IDLE, BUSY, PIPED, CLOSED }

    private final ControlRequests requests;
    private ChannelHandlerContext ctx;
    private ByteBuf buffered = Unpooled.EMPTY_BUFFER;
    private State state = State.IDLE;
    private boolean inputEnded;
    private Disposable inFlight;

    ControlConnectionHandler(ControlRequests requests) {
        this.requests = requests;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || state == State.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        buffered = append(buffered, buf);
        if (state == State.IDLE) {
            next();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // next() asks for more bytes whenever it is idle without a whole request.
    }

    /** Starts on the next buffered request, or asks for more bytes when none is complete. */
    private void next() {
        ByteBuf frame;
        try {
            frame = ControlFrames.read(buffered);
        } catch (FrameException e) {
            failConnection(e.getMessage());
            return;
        }
        if (frame == null) {
            if (inputEnded) {
                close();
            } else {
                ctx.read();
            }
            return;
        }
        Request request;
        try {
            request = Request.parseFrom(frame.nioBuffer());
        } catch (InvalidProtocolBufferException e) {
            failConnection("malformed request: " + e.getMessage());
            return;
        }
        buffered.discardSomeReadBytes();
        state = State.BUSY;
        if (request.getType() == Request.Type.STREAM_OPEN) {
            inFlight = requests.openStream(request.getStreamOpen()).subscribe(
                    stream -> ctx.executor().execute(() -> pipe(stream)),
                    e -> ctx.executor().execute(() -> answerDone(ControlRequests.error(e))));
        } else {
            AnswerWriter writer = new AnswerWriter();
            inFlight = writer;
            requests.answer(request).subscribe(writer);
        }
    }

    /** Writes the STREAM_OPEN response, then hands the connection (and any bytes after the request) to the stream. */
    private void pipe(Stream stream) {
        if (state == State.CLOSED) {
            stream.reset().subscribe();
            return;
        }
        state = State.PIPED;
        ctx.writeAndFlush(ControlFrames.encode(ControlRequests.streamOpened(stream), ctx.alloc()));
        ByteBuf leftover = buffered;
        buffered = Unpooled.EMPTY_BUFFER;
        ctx.pipeline().addAfter(ctx.name(), "daemon-stream", new StreamPipe(stream, leftover, inputEnded));
        ctx.pipeline().remove(this);
    }

    /** Ends a request: optionally writes a last message, then goes on with the next request. */
    private void answerDone(MessageLite last) {
        if (state != State.BUSY) {
            return;
        }
        inFlight = null;
        if (last != null) {
            ctx.writeAndFlush(ControlFrames.encode(last, ctx.alloc()));
        }
        state = State.IDLE;
        next();
    }

    /**
     * The client half-closed: the requests it sent are answered, then the connection is closed (a client that has
     * read its answer may close its socket, which the daemon sees the same way).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
            if (state == State.IDLE) {
                next();
            } else if (state == State.CLOSED) {
                ctx.close();
            }
        }
        ReferenceCountUtil.release(event);
    }

    /** Closes once what was written has left. */
    private void close() {
        state = State.CLOSED;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Answers bad input with an ERROR and ends the connection: our side is half-closed at once, and what the client
     * still sends is read and dropped until it closes or {@link #LINGER} has passed, so that closing does not reset
     * the connection before the client has read the error.
     */
    private void failConnection(String reason) {
        log.debug("control connection {}: {}", ctx.channel().remoteAddress(), reason);
        state = State.CLOSED;
        buffered.release();
        buffered = Unpooled.EMPTY_BUFFER;
        ctx.writeAndFlush(ControlFrames.encode(ControlRequests.error(reason), ctx.alloc())).addListener(written -> {
            if (ctx.channel() instanceof DuplexChannel duplex && !inputEnded) {
                duplex.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
                ctx.channel().config().setAutoRead(true);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("control connection {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (inFlight != null) {
            inFlight.dispose();
            inFlight = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        buffered.release();
        buffered = Unpooled.EMPTY_BUFFER;
    }

    /**
     * Adds {@code buf} to what is buffered. Bounded: a request is read only while idle, and an idle connection holds
     * at most one incomplete frame (at most {@link ControlFrames#MAX_MESSAGE_SIZE} plus its prefix) plus one read.
     */
    private ByteBuf append(ByteBuf cumulation, ByteBuf buf) {
        if (!cumulation.isReadable()) {
            cumulation.release();
            return buf;
        }
        if (cumulation.refCnt() == 1 && !cumulation.isReadOnly()
                && cumulation.maxWritableBytes() >= buf.readableBytes()) {
            cumulation.ensureWritable(buf.readableBytes()).writeBytes(buf);
            buf.release();
            return cumulation;
        }
        ByteBuf merged = ctx.alloc().buffer(cumulation.readableBytes() + buf.readableBytes());
        merged.writeBytes(cumulation).writeBytes(buf);
        cumulation.release();
        buf.release();
        return merged;
    }

    /** Writes an answer's messages one after another, each once the previous has been written. */
    private final class AnswerWriter extends BaseSubscriber<MessageLite> {

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(MessageLite message) {
            ctx.executor().execute(() -> {
                if (state != State.BUSY) {
                    return;
                }
                ctx.writeAndFlush(ControlFrames.encode(message, ctx.alloc())).addListener(written -> {
                    if (written.isSuccess()) {
                        request(1);
                    } else {
                        cancel();
                    }
                });
            });
        }

        @Override
        protected void hookOnComplete() {
            ctx.executor().execute(() -> answerDone(null));
        }

        @Override
        protected void hookOnError(Throwable e) {
            // Answers carry their own errors; one that fails mid-way cannot be told apart from its messages.
            log.debug("answer failed", e);
            ctx.executor().execute(ctx::close);
        }
    }
}
