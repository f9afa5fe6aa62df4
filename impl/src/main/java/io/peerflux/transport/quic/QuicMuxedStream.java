package io.peerflux.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.Direction;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
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
 * <p>Closing: {@link #closeWrite} queues a FIN behind the data written so far; {@link #reset} aborts both directions
 * (RESET_STREAM and STOP_SENDING with code {@value #RESET_CODE}). Either of those from the remote, or a write the
 * remote stopped, resets the stream as "by remote".
 *
 * <p>Ownership: {@link #write} takes the buffer, whatever the stream's state; {@link Listener#onData} hands each
 * buffer to the listener. Buffers held for a listener are released on reset, including when the connection closes.
 */
final class QuicMuxedStream extends ChannelInboundHandlerAdapter implements MuxedStream {

    /** Reads are asked for while fewer than this many delivered bytes await consumption. */
    static final int READ_AHEAD = 64 * 1024;
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
    private Throwable resetCause;
    private boolean resetDelivered;

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
        channel.write(data, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean isWritable() {
        return resetCause == null && !writeClosed && channel.isWritable();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The FIN is a zero-length STREAM frame that queues behind writes still waiting for flow-control credit. It
     * is written from a task of its own: there the codec sends it at once, whereas from within the codec's read
     * processing it would wait for the end of the batch, and quiche may forget a zero-length FIN whose stream
     * completes meanwhile (cloudflare/quiche#2525: its data all acknowledged, or the remote's FIN read).
     */
    @Override
    public void closeWrite() {
        if (resetCause == null && !writeClosed) {
            writeClosed = true;
            channel.eventLoop().execute(() -> {
                if (resetCause == null && channel.isActive()) {
                    channel.writeAndFlush(QuicStreamFrame.EMPTY_FIN, channel.voidPromise());
                }
            });
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
        if (resetCause == null && !(writeClosed && remoteClosed)) {
            // Closed under us: the connection went away.
            resetCause = StreamResetException.connectionClosed(id(), null);
            releaseBuffered();
            deliverPending();
        }
        session.streamClosed(this);
    }

    // ---- internals ----

    private void readIfWanted() {
        if (resetCause == null && !remoteClosed && unconsumed < READ_AHEAD && channel.isActive()) {
            channel.read();
        }
    }

    /** Resets both directions locally and towards the remote, then drops the stream channel. */
    private void abort(Throwable cause) {
        resetCause = cause;
        releaseBuffered();
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

    private void releaseBuffered() {
        ByteBuf data;
        while (buffered != null && (data = buffered.poll()) != null) {
            data.release();
        }
    }
}
