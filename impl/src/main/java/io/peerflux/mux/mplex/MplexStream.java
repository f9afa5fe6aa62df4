package io.peerflux.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
import io.peerflux.resource.StreamResources;
import java.util.ArrayDeque;

/**
 * One mplex stream: the data waiting for a listener, its unconsumed-byte count and its half-closes. Confined to the
 * session's event loop like everything it touches.
 *
 * <p>Writes go straight to the connection, split into messages of at most {@link MplexSession#MAX_SEND_PAYLOAD}
 * bytes: mplex has no send window, so nothing waits in the stream, and the connection's own write buffer (which
 * {@link #isWritable()} reflects) is the only queue. Inbound bytes count as unconsumed from arrival until the
 * listener reports them {@link #consumed}; the session pauses reading and resets streams by that count.
 *
 * <p>Ownership: {@link #write} takes the buffer, whatever the stream's state; {@link Listener#onData} hands each
 * buffer to the listener. Buffers waiting for a listener are released on reset, including when the connection
 * closes.
 */
final class MplexStream implements MuxedStream {

    private final MplexSession session;
    private final long id;
    private final Direction direction;
    private final StreamResources resources;
    /** We opened it: we send the initiator flags. */
    private final boolean initiator;

    // Receive side.
    private Listener listener;
    private ArrayDeque<ByteBuf> buffered;
    private long unconsumed;
    private boolean aboveMark;
    private boolean remoteClosed;
    private boolean remoteCloseDelivered;

    private boolean writeClosed;
    private Throwable resetCause;
    private boolean resetDelivered;
    /** Forgotten by the session: fully closed or reset. */
    private boolean done;

    MplexStream(MplexSession session, long id, Direction direction, StreamResources resources) {
        this.resources = resources;
        this.session = session;
        this.id = id;
        this.direction = direction;
        this.initiator = direction == Direction.OUTBOUND;
    }

    long rawId() {
        return id;
    }

    long unconsumed() {
        return unconsumed;
    }

    boolean isAboveMark() {
        return aboveMark;
    }

    @Override
    public EventLoop eventLoop() {
        return session.eventLoop();
    }

    /** The id with who opened the stream, since both sides count from 0: {@code out-3} is our stream 3. */
    @Override
    public String id() {
        return (initiator ? "out-" : "in-") + id;
    }

    @Override
    public StreamResources resources() {
        return resources;
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

    /** Lowers the unconsumed count; {@code bytes} beyond what was delivered are ignored. May resume reading. */
    @Override
    public void consumed(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("consumed bytes must not be negative: " + bytes);
        }
        long n = Math.min(bytes, unconsumed);
        if (n > 0) {
            unconsumed -= n;
            resources.releaseMemory(n);
            if (!done) {
                session.onBuffered(-n);
                updateMark();
                session.updateReading();
            }
        }
    }

    /** Sends {@code data} as messages of at most {@link MplexSession#MAX_SEND_PAYLOAD} bytes, without flushing. */
    @Override
    public void write(ByteBuf data) {
        if (resetCause != null || writeClosed || !data.isReadable()) {
            data.release();
            return;
        }
        while (data.readableBytes() > MplexSession.MAX_SEND_PAYLOAD) {
            session.write(MplexFrame.message(id, initiator, MplexSession.MAX_SEND_PAYLOAD),
                    data.readRetainedSlice(MplexSession.MAX_SEND_PAYLOAD));
        }
        session.write(MplexFrame.message(id, initiator, data.readableBytes()), data);
    }

    @Override
    public void flush() {
        session.flushIfNeeded();
    }

    /** Writable while neither closed nor reset and the connection is writable. */
    @Override
    public boolean isWritable() {
        return resetCause == null && !writeClosed && session.isChannelWritable();
    }

    /** Sends Close and flushes. */
    @Override
    public void closeWrite() {
        if (resetCause == null && !writeClosed) {
            writeClosed = true;
            session.write(MplexFrame.close(id, initiator));
            session.flushIfNeeded();
            forgetIfClosed();
        }
    }

    @Override
    public void reset() {
        if (resetLocally(StreamResetException.locally(id(), null))) {
            session.write(MplexFrame.reset(id, initiator));
            session.flushIfNeeded();
        }
    }

    @Override
    public String toString() {
        return "MplexStream[" + id() + "]";
    }

    // ---- from the session ----

    /**
     * Checks a message of {@code length} bytes before its data arrives: {@code true} if it may be delivered; else the
     * stream was reset (data after the remote's Close, or a buffer it would overflow) and the data must be dropped.
     */
    boolean onMessage(int length) {
        if (remoteClosed) {
            resetBecause(ProtocolViolationException.stream("mplex", "data after close on stream " + id()));
            return false;
        }
        if (unconsumed + length > session.config().maxStreamBuffer()) {
            resetBecause(LimitExceededException.of("mplex stream receive buffer", unconsumed, length,
                    session.config().maxStreamBuffer()));
            return false;
        }
        if (!session.connectionHasRoomFor(length)) {
            resetBecause(LimitExceededException.of("mplex connection receive buffer", session.buffered(), length,
                    session.config().maxConnectionBuffer()));
            return false;
        }
        return true;
    }

    /** Data of an accepted message. Ownership: takes {@code data}. */
    void onData(ByteBuf data) {
        if (resetCause != null) {
            data.release();
            return;
        }
        int n = data.readableBytes();
        LimitExceededException refused = resources.reserveMemory(n);
        if (refused != null) {
            data.release();
            resetBecause(refused);
            return;
        }
        unconsumed += n;
        session.onBuffered(n);
        updateMark();
        session.updateReading();
        if (listener != null && (buffered == null || buffered.isEmpty())) {
            listener.onData(data);
        } else {
            if (buffered == null) {
                buffered = new ArrayDeque<>(4);
            }
            buffered.add(data);
        }
    }

    void onRemoteClose() {
        if (resetCause == null && !remoteClosed) {
            remoteClosed = true;
            updateMark();
            session.updateReading();
            deliverPending();
        }
    }

    void onRemoteReset() {
        resetLocally(StreamResetException.byRemote(id()));
    }

    void onConnectionClosed(Throwable cause) {
        resetLocally(StreamResetException.connectionClosed(id(), cause));
    }

    /** Tells the listener if the stream is writable (again). */
    void notifyIfWritable() {
        if (listener != null && isWritable()) {
            listener.onWritable();
        }
    }

    /** Resets the stream because of the remote's behaviour ({@code cause}), and tells the remote. */
    void resetBecause(Throwable cause) {
        if (resetLocally(StreamResetException.locally(id(), cause))) {
            session.reply(MplexFrame.reset(id, initiator));
        }
    }

    // ---- internals ----

    /** Keeps the session's count of streams above their pause mark; a stream that cannot grow is never above. */
    private void updateMark() {
        boolean above = !done && !remoteClosed && unconsumed > session.streamMark();
        if (above != aboveMark) {
            aboveMark = above;
            session.onStreamMark(above);
        }
    }

    /** Hands buffered data, then a pending reset or remote close, to the listener (if any). */
    private void deliverPending() {
        ByteBuf data;
        while (listener != null && buffered != null && (data = buffered.poll()) != null) {
            listener.onData(data);
        }
        Listener l = listener;
        if (l != null && (buffered == null || buffered.isEmpty())) {
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
        forgetIfClosed();
    }

    private void forgetIfClosed() {
        if (!done && writeClosed && remoteClosed && (buffered == null || buffered.isEmpty())) {
            retire();
        }
    }

    /** Resets without telling the remote; {@code false} if the stream was already reset or done. */
    private boolean resetLocally(Throwable cause) {
        if (resetCause != null || done) {
            return false;
        }
        resetCause = cause;
        if (buffered != null) {
            ByteBuf buf;
            while ((buf = buffered.poll()) != null) {
                buf.release();
            }
        }
        retire();
        unconsumed = 0;
        deliverPending();
        return true;
    }

    private void retire() {
        done = true;
        resources.close();
        updateMark();
        session.onStreamDone(this, unconsumed);
    }
}
