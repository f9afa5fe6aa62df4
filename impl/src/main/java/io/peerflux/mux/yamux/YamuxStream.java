package io.peerflux.mux.yamux;

import static io.peerflux.mux.yamux.YamuxFrame.ACK;
import static io.peerflux.mux.yamux.YamuxFrame.FIN;
import static io.peerflux.mux.yamux.YamuxFrame.RST;
import static io.peerflux.mux.yamux.YamuxFrame.SYN;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.peerflux.Direction;
import io.peerflux.ProtocolViolationException;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
import io.peerflux.resource.StreamResources;
import java.util.ArrayDeque;

/**
 * One Yamux stream: its two windows, the data waiting for send window, the data waiting for a listener, and its
 * half-closes. Confined to the session's event loop like everything it touches.
 *
 * <p>Receive credit (spec "Flow Control") is given back only for bytes the listener reported {@link #consumed}, and
 * in batches of at least half the window, so a slow reader stalls the remote after one window. The window may grow
 * (see {@link YamuxConfig}) but never shrinks; unconsumed inbound data never exceeds it.
 *
 * <p>Ownership: {@link #write} takes the buffer, whatever the stream's state; {@link Listener#onData} hands each
 * buffer to the listener. Buffers queued in either direction are released on reset, including when the connection
 * closes.
 */
final class YamuxStream implements MuxedStream {

    private static final long MAX_SEND_WINDOW = 0xFFFF_FFFFL;

    private final YamuxSession session;
    private final int id;
    private final Direction direction;
    private final StreamResources resources;

    /** SYN (outbound) or ACK (inbound) still to ride on the first frame this side sends; 0 once sent. */
    private int openFlag;
    private boolean awaitingAck;

    // Receive side. Outside a DATA frame: receiveWindow + unconsumed + uncredited == windowSize.
    private int receiveWindow = YamuxConfig.INITIAL_WINDOW;
    private int windowSize = YamuxConfig.INITIAL_WINDOW;
    private int unconsumed;
    private int uncredited;
    private long windowEpochNanos;
    private Listener listener;
    private ArrayDeque<ByteBuf> buffered;
    private boolean remoteClosed;
    private boolean remoteCloseDelivered;

    // Send side. Data waits in sendQueue only while sendWindow is 0.
    private long sendWindow = YamuxConfig.INITIAL_WINDOW;
    private final ArrayDeque<ByteBuf> sendQueue = new ArrayDeque<>(4);
    private long queuedBytes;
    private boolean writeClosed;
    private boolean finSent;

    private Throwable resetCause;
    private boolean resetDelivered;
    /** Forgotten by the session: fully closed or reset. */
    private boolean done;

    YamuxStream(YamuxSession session, int id, Direction direction, StreamResources resources) {
        this.session = session;
        this.id = id;
        this.direction = direction;
        this.resources = resources;
        this.openFlag = direction == Direction.OUTBOUND ? SYN : ACK;
        this.awaitingAck = direction == Direction.OUTBOUND;
        this.windowEpochNanos = session.nanoTime();
    }

    int rawId() {
        return id;
    }

    /** How far this stream's receive window grew beyond the initial one. */
    int windowGrowth() {
        return windowSize - YamuxConfig.INITIAL_WINDOW;
    }

    @Override
    public EventLoop eventLoop() {
        return session.eventLoop();
    }

    @Override
    public String id() {
        return Integer.toUnsignedString(id);
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public StreamResources resources() {
        return resources;
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
        deliverPending();
    }

    /** Credits consumed bytes back to the remote; {@code bytes} beyond what was delivered are ignored. */
    @Override
    public void consumed(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("consumed bytes must not be negative: " + bytes);
        }
        int n = Math.min(bytes, unconsumed);
        unconsumed -= n;
        uncredited += n;
        if (resetCause == null && !remoteClosed && uncredited >= windowSize / 2) {
            sendWindowUpdate();
            session.flushIfNeeded();
        }
    }

    @Override
    public void write(ByteBuf data) {
        int n = data.readableBytes();
        if (resetCause != null || writeClosed || n == 0) {
            data.release();
            return;
        }
        sendQueue.add(data);
        queuedBytes += n;
        drainSendQueue();
    }

    @Override
    public void flush() {
        session.flushIfNeeded();
    }

    /** Writable while send window plus the allowed queue exceed what is queued, and the connection is writable. */
    @Override
    public boolean isWritable() {
        return resetCause == null && !writeClosed
                && sendWindow + session.config().maxQueuedWriteBytes() > queuedBytes
                && session.isChannelWritable();
    }

    /** Half-closes once queued data is sent, and flushes. */
    @Override
    public void closeWrite() {
        if (resetCause == null && !writeClosed) {
            writeClosed = true;
            drainSendQueue();
            session.flushIfNeeded();
        }
    }

    @Override
    public void reset() {
        if (resetCause == null && !done) {
            reset(StreamResetException.locally(id(), null), true);
            session.flushIfNeeded();
        }
    }

    @Override
    public String toString() {
        return "YamuxStream[" + id() + " " + direction + "]";
    }

    // ---- from the session ----

    void onAck() {
        if (awaitingAck) {
            awaitingAck = false;
            session.onAcked();
        }
    }

    /** Checks and books a DATA frame of {@code length} bytes; {@code false} if it exceeds the receive window. */
    boolean onDataHeader(int length) {
        if (Integer.compareUnsigned(length, receiveWindow) > 0) {
            return false;
        }
        receiveWindow -= length;
        if (remoteClosed && length > 0 && resetCause == null) {
            reset(StreamResetException.locally(id(), ProtocolViolationException.stream("yamux",
                    "data after FIN on stream " + id())), true);
        }
        return true;
    }

    /** Payload of a DATA frame. Ownership: takes {@code data}. */
    void onData(ByteBuf data) {
        if (resetCause != null) {
            data.release();
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
    }

    void onWindowUpdate(int delta) {
        if (resetCause != null || done) {
            return;
        }
        boolean wasWritable = isWritable();
        sendWindow += Integer.toUnsignedLong(delta);
        if (sendWindow > MAX_SEND_WINDOW) {
            session.violation("window update overflows the send window of stream " + id());
            return;
        }
        drainSendQueue();
        if (!wasWritable) {
            notifyIfWritable();
        }
    }

    void onRemoteFin() {
        if (resetCause == null && !remoteClosed) {
            remoteClosed = true;
            deliverPending();
        }
    }

    void onRemoteReset() {
        if (resetCause == null && !done) {
            reset(StreamResetException.byRemote(id()), false);
        }
    }

    void onConnectionClosed(Throwable cause) {
        if (resetCause == null && !done) {
            reset(StreamResetException.connectionClosed(id(), cause), false);
        }
    }

    /** Tells the listener if the stream is writable (again). */
    void notifyIfWritable() {
        if (listener != null && isWritable()) {
            listener.onWritable();
        }
    }

    // ---- internals ----

    private void sendWindowUpdate() {
        int delta = uncredited;
        int max = session.config().maxReceiveWindow();
        if (windowSize < max) {
            long now = session.nanoTime();
            long rtt = session.rttNanos();
            if (rtt > 0 && now - windowEpochNanos < 2 * rtt) {
                int growth = session.growWindow(Math.min(windowSize, max - windowSize));
                if (growth > 0 && resources.reserveMemory(growth) != null) {
                    // No memory for a larger window: the stream keeps the one it has.
                    session.returnGrowth(growth);
                    growth = 0;
                }
                delta += growth;
                windowSize += growth;
            }
            windowEpochNanos = now;
        }
        uncredited = 0;
        receiveWindow += delta;
        session.write(YamuxFrame.windowUpdate(takeOpenFlag(), id, delta));
    }

    /**
     * Sends queued data as far as the send window allows, then the FIN once everything is out. The FIN always goes
     * in a WINDOW_UPDATE of its own, never on the last DATA frame: the spec allows both, but js-libp2p's yamux
     * (8.0.3) acts on a DATA frame's FIN before its payload and drops that payload.
     */
    private void drainSendQueue() {
        ByteBuf head;
        while (sendWindow > 0 && (head = sendQueue.peek()) != null) {
            int n = (int) Math.min(Math.min(sendWindow, YamuxSession.MAX_SEND_PAYLOAD), head.readableBytes());
            ByteBuf chunk = n == head.readableBytes() ? sendQueue.poll() : head.readRetainedSlice(n);
            queuedBytes -= n;
            sendWindow -= n;
            session.write(YamuxFrame.data(takeOpenFlag(), id, n), chunk);
        }
        if (writeClosed && !finSent && sendQueue.isEmpty()) {
            session.write(YamuxFrame.windowUpdate(takeOpenFlag() | FIN, id, 0));
            finSent = true;
        }
        if (finSent) {
            forgetIfClosed();
        }
    }

    private int takeOpenFlag() {
        int flag = openFlag;
        openFlag = 0;
        return flag;
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
        if (!done && finSent && remoteClosed && (buffered == null || buffered.isEmpty())) {
            done = true;
            session.onStreamClosed(this, awaitingAck);
        }
    }

    private void reset(Throwable cause, boolean tellRemote) {
        resetCause = cause;
        releaseAll(sendQueue);
        queuedBytes = 0;
        if (buffered != null) {
            releaseAll(buffered);
        }
        // An outbound stream whose SYN was never sent is unknown to the remote.
        if (tellRemote && !(direction == Direction.OUTBOUND && openFlag != 0)) {
            session.write(YamuxFrame.windowUpdate(RST, id, 0));
        }
        done = true;
        session.onStreamClosed(this, awaitingAck);
        deliverPending();
    }

    private static void releaseAll(ArrayDeque<ByteBuf> queue) {
        ByteBuf buf;
        while ((buf = queue.poll()) != null) {
            buf.release();
        }
    }
}
