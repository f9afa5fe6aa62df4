package io.peerflux.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.Direction;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
import io.peerflux.resource.StreamResources;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One libp2p stream: a bidirectional QUIC stream (libp2p/specs quic/README.md) as a {@link MuxedStream}. It is the
 * last handler of the stream channel's pipeline and confined to the connection's event loop.
 *
 * <p>Receive credit follows consumption: the stream channel reads with autoRead off, and a read is asked for only
 * while fewer than {@link #READ_AHEAD} delivered bytes wait to be {@link #consumed}. QUIC extends the remote's
 * credit as data is read out of the codec, so a stalled reader holds the remote to one stream window plus one read.
 *
 * <p>Closing: {@link #closeWrite} sends a FIN after the data written so far; {@link #reset} aborts both directions
 * (RESET_STREAM and STOP_SENDING with code {@value #RESET_CODE}). Either of those from the remote, or a write the
 * remote stopped, resets the stream as "by remote"; a RESET_STREAM is noticed when the stream is next read, so a
 * reader that stalls learns of it once it consumes what it already has.
 *
 * <p>The FIN rides on the last data whenever it can. quiche may forget a FIN sent on its own, in a zero-length
 * STREAM frame, when the stream's data is acknowledged before that frame leaves (cloudflare/quiche#2525), and the
 * remote then never sees the end of the stream. So the last buffer of each {@link #flush} is handed to the codec
 * only in a later event-loop task, unless {@link #closeWrite} comes first and sends it with the FIN; a FIN with no
 * data left is written from a task of its own, where the codec tries to send it at once rather than at the end of a
 * read batch (acknowledgements later in the batch could complete the stream first). That narrows the window but
 * cannot close it: when the congestion window is full the lone FIN waits, and if the acknowledgement of the stream's
 * last data arrives first, quiche 0.24.5 (in Netty 4.2.18) drops it. A responder that half-closes only after the
 * remote did, as echo does, is exposed while the window is full; the fix is upstream (cloudflare/quiche#2665).
 *
 * <p>Ownership: {@link #write} takes the buffer, whatever the stream's state; {@link Listener#onData} hands each
 * buffer to the listener. Buffers held in either direction are released on reset, including when the connection
 * closes.
 */
final class QuicMuxedStream extends ChannelInboundHandlerAdapter implements MuxedStream {

    /** Reads are asked for while fewer than this many delivered bytes await consumption. */
    static final int READ_AHEAD = 64 * 1024;
    /** The stream is writable while fewer than this many written bytes wait in the codec for flow-control credit. */
    static final int MAX_UNSENT = 64 * 1024;
    /** The application error code of a stream reset. */
    static final int RESET_CODE = 0;

    private static final Logger log = LoggerFactory.getLogger(QuicMuxedStream.class);

    private final QuicSession session;
    private final Direction direction;
    private QuicStreamChannel channel;

    private Listener listener;
    private ArrayDeque<ByteBuf> buffered;
    private int unconsumed;
    private boolean remoteClosed;
    private boolean remoteCloseDelivered;
    private boolean writeClosed;
    /** The last buffer written, not yet handed to the codec (see the class comment). */
    private ByteBuf lastWrite;
    private boolean lastWriteTaskScheduled;
    private int unsent;
    private Throwable resetCause;
    private boolean resetDelivered;
    /** The stream's count in the resource manager (no buffer memory: QUIC's own windows bound that). */
    private StreamResources resources = StreamResources.NONE;

    QuicMuxedStream(QuicSession session, Direction direction) {
        this.session = session;
        this.direction = direction;
    }

    // ---- MuxedStream ----

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public String id() {
        return Long.toString(channel.streamId());
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public StreamResources resources() {
        return resources;
    }

    /** What the session reserved for this stream; given back when the stream channel closes. */
    void reserved(StreamResources resources) {
        this.resources = resources;
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
        deliverPending();
    }

    @Override
    public void consumed(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("consumed bytes must not be negative: " + bytes);
        }
        unconsumed = Math.max(0, unconsumed - bytes);
        readIfWanted();
    }

    @Override
    public void write(ByteBuf data) {
        if (resetCause != null || writeClosed) {
            data.release();
            return;
        }
        // Set first: handing over the previous buffer may make the channel writable and bring the next write.
        ByteBuf previous = lastWrite;
        lastWrite = data;
        if (previous != null) {
            send(previous, previous.readableBytes());
        }
    }

    /** Flushes all but the last buffer at once; that one follows in a later task unless a FIN picks it up. */
    @Override
    public void flush() {
        channel.flush();
        if (lastWrite != null && !lastWriteTaskScheduled) {
            lastWriteTaskScheduled = true;
            channel.eventLoop().execute(() -> {
                lastWriteTaskScheduled = false;
                ByteBuf data = lastWrite;
                lastWrite = null;
                if (data != null) {
                    send(data, data.readableBytes());
                }
            });
        }
    }

    /**
     * Writable while the codec has room and holds fewer than {@link #MAX_UNSENT} bytes not yet passed to quiche. The
     * second check matters: the codec turns writable again as soon as some queued data leaves, however much stays.
     */
    @Override
    public boolean isWritable() {
        return resetCause == null && !writeClosed && unsent < MAX_UNSENT && channel.isWritable();
    }

    @Override
    public void closeWrite() {
        if (resetCause == null && !writeClosed) {
            writeClosed = true;
            ByteBuf data = lastWrite;
            lastWrite = null;
            if (data != null) {
                send(new DefaultQuicStreamFrame(data, true), data.readableBytes());
            } else {
                channel.eventLoop().execute(() -> {
                    if (resetCause == null && channel.isActive()) {
                        send(QuicStreamFrame.EMPTY_FIN, 0);
                    }
                });
            }
        }
    }

    @Override
    public void reset() {
        if (resetCause == null && !(writeClosed && remoteClosed)) {
            abort(StreamResetException.locally(id(), null));
        }
    }

    @Override
    public String toString() {
        return "QuicStream[" + (channel == null ? "?" : id()) + " " + direction + "]";
    }

    // ---- stream channel events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (QuicStreamChannel) ctx.channel();
        channel.config().setAutoRead(false).setAllowHalfClosure(true);
        session.streamOpened(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        readIfWanted();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data) || resetCause != null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        unconsumed += data.readableBytes();
        if (listener != null && (buffered == null || buffered.isEmpty())) {
            listener.onData(data);
        } else {
            if (buffered == null) {
                buffered = new ArrayDeque<>(4);
            }
            buffered.add(data);
        }
        readIfWanted();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownReadComplete.INSTANCE && resetCause == null) {
            remoteClosed = true;
            deliverPending();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null && isWritable()) {
            listener.onWritable();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(cause);
    }

    /** A read or write failed: the remote reset or stopped the stream, the connection closed, or something broke. */
    private void failed(Throwable cause) {
        if (resetCause != null) {
            return;
        }
        if (cause instanceof QuicStreamResetException || cause instanceof ChannelOutputShutdownException) {
            // RESET_STREAM, or STOP_SENDING surfacing as a failed write: libp2p resets both directions.
            abort(StreamResetException.byRemote(id()));
        } else if (cause instanceof ClosedChannelException) {
            abort(StreamResetException.connectionClosed(id(), cause));
        } else {
            log.debug("stream {} failed: {}", this, cause.toString());
            abort(StreamResetException.locally(id(), cause));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean cleanly = resetCause == null && writeClosed && remoteClosed;
        if (resetCause == null && !cleanly) {
            // Closed under us: the connection went away.
            resetCause = StreamResetException.connectionClosed(id(), null);
            releaseBuffered();
            releaseLastWrite();
            deliverPending();
        }
        session.streamClosed(this, cleanly);
        resources.close();
    }

    // ---- internals ----

    /** Hands {@code message} ({@code bytes} of data) to the codec, counting it as unsent until quiche took it. */
    private void send(Object message, int bytes) {
        unsent += bytes;
        channel.writeAndFlush(message).addListener(written -> {
            boolean wasWritable = isWritable();
            unsent -= bytes;
            if (!written.isSuccess()) {
                failed(written.cause());
            } else if (!wasWritable && listener != null && isWritable()) {
                listener.onWritable();
            }
        });
    }

    private void readIfWanted() {
        if (resetCause == null && !remoteClosed && unconsumed < READ_AHEAD && channel.isActive()) {
            channel.read();
        }
    }

    /** Resets both directions locally and towards the remote, then drops the stream channel. */
    private void abort(Throwable cause) {
        resetCause = cause;
        releaseBuffered();
        releaseLastWrite();
        if (channel.isActive()) {
            channel.shutdown(RESET_CODE);
            channel.close();
        }
        deliverPending();
    }

    /** Hands buffered data, then a pending reset or remote close, to the listener (if any). */
    private void deliverPending() {
        ByteBuf data;
        while (listener != null && buffered != null && (data = buffered.poll()) != null) {
            listener.onData(data);
        }
        Listener l = listener;
        if (l == null || (buffered != null && !buffered.isEmpty())) {
            return;
        }
        if (resetCause != null) {
            if (!resetDelivered) {
                resetDelivered = true;
                l.onReset(resetCause);
            }
        } else if (remoteClosed && !remoteCloseDelivered) {
            remoteCloseDelivered = true;
            l.onRemoteClose();
        }
    }

    private void releaseLastWrite() {
        if (lastWrite != null) {
            lastWrite.release();
            lastWrite = null;
        }
    }

    private void releaseBuffered() {
        ByteBuf data;
        while (buffered != null && (data = buffered.poll()) != null) {
            data.release();
        }
    }
}
