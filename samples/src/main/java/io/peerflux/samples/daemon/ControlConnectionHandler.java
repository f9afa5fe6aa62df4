package io.peerflux.samples.daemon;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
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
import java.util.concurrent.ScheduledFuture;
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
 * <p>Every wait on the client is bounded: a whole request must arrive within {@link #REQUEST_TIMEOUT} of the
 * connection being ready for it, and each answer message must be taken by the client within
 * {@link #WRITE_TIMEOUT}. A request that times out is answered with an ERROR; a stuck write closes the connection.
 * Once the connection is a stream, its pace is the stream's (see {@link StreamPipe}).
 *
 * <p>Ownership: inbound buffers are accumulated in one buffer owned here and released on close; bytes that follow a
 * STREAM_OPEN request are handed to the {@link StreamPipe}.
 */
final class ControlConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ControlConnectionHandler.class);

    /**
     * How long the daemon waits for a whole request once it is ready to read one: from the connection's start, and
     * from the end of each answer. Clients open a connection per request ({@code @libp2p/daemon-client} and p2pd's
     * own client do), so this ends only connections that stall mid-request or send nothing at all, which would
     * otherwise hold one of {@link ControlServer#MAX_CONNECTIONS} forever.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long one answer message may wait for the client to read it before the connection is closed. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a connection that sent bad input may linger, its input discarded, after the ERROR answer. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private enum State { IDLE, BUSY, PIPED, CLOSED }

    private final ControlRequests requests;
    private ChannelHandlerContext ctx;
    private ByteBuf buffered = Unpooled.EMPTY_BUFFER;
    private State state = State.IDLE;
    private boolean inputEnded;
    private Disposable inFlight;
    /** Runs out {@link #REQUEST_TIMEOUT} after the connection became ready for the request being read; else null. */
    private ScheduledFuture<?> requestTimer;

    ControlConnectionHandler(ControlRequests requests) {
        this.requests = requests;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        if (ctx.channel().isActive()) {
            awaitRequest();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        awaitRequest();
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
                awaitRequest();
            }
            return;
        }
        cancelRequestTimer();
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

    /** Reads on, with {@link #REQUEST_TIMEOUT} running from the first time this is called for a request. */
    private void awaitRequest() {
        if (requestTimer == null) {
            requestTimer = ctx.executor().schedule(this::requestTimedOut, REQUEST_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        ctx.read();
    }

    /**
     * Ends a connection whose request did not arrive whole in time. The timer is armed once per request, not per
     * read, so a client trickling bytes in gets {@link #REQUEST_TIMEOUT} for the whole request.
     */
    private void requestTimedOut() {
        requestTimer = null;
        if (state == State.IDLE) {
            failConnection("no whole request within " + REQUEST_TIMEOUT.toSeconds() + " s");
        }
    }

    private void cancelRequestTimer() {
        if (requestTimer != null) {
            requestTimer.cancel(false);
            requestTimer = null;
        }
    }

    /**
     * Writes one message, and closes the connection if the client has not taken it within {@link #WRITE_TIMEOUT}.
     *
     * <p>Ownership: {@code message} goes to the channel.
     */
    private ChannelFuture write(ByteBuf message) {
        ChannelFuture written = ctx.writeAndFlush(message);
        if (!written.isDone()) {
            ScheduledFuture<?> timer = ctx.executor().schedule(() -> {
                log.debug("control connection {}: the client read no answer for {}", ctx.channel().remoteAddress(),
                        WRITE_TIMEOUT);
                ctx.close();
            }, WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            written.addListener(done -> timer.cancel(false));
        }
        return written;
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
            write(ControlFrames.encode(last, ctx.alloc()));
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
        write(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Answers bad input with an ERROR and ends the connection: our side is half-closed at once, and what the client
     * still sends is read and dropped until it closes or {@link #LINGER} has passed, so that closing does not reset
     * the connection before the client has read the error.
     */
    private void failConnection(String reason) {
        log.debug("control connection {}: {}", ctx.channel().remoteAddress(), reason);
        state = State.CLOSED;
        cancelRequestTimer();
        buffered.release();
        buffered = Unpooled.EMPTY_BUFFER;
        write(ControlFrames.encode(ControlRequests.error(reason), ctx.alloc())).addListener(written -> {
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
        cancelRequestTimer();
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
                write(ControlFrames.encode(message, ctx.alloc())).addListener(written -> {
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
