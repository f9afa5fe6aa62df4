package io.peerflux.mux.yamux;

import static io.peerflux.mux.yamux.YamuxFrame.ACK;
import static io.peerflux.mux.yamux.YamuxFrame.FIN;
import static io.peerflux.mux.yamux.YamuxFrame.RST;
import static io.peerflux.mux.yamux.YamuxFrame.SYN;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.Ticker;
import io.peerflux.ConnectionClosedException;
import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.mux.MuxedStream;
import io.peerflux.resource.ConnectionResources;
import io.peerflux.resource.StreamResources;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Yamux state machine of one connection: frames in, frames and stream events out. It owns the stream table,
 * stream ids, limits, pings and the session's end; {@link YamuxStream} owns each stream's windows and queues. It
 * knows nothing of Reactor or sockets: {@link Outbound} is all it sees of the connection. Confined to the
 * connection's event loop.
 *
 * <p>Rules taken where the spec leaves room: a SYN for an open stream or with this side's parity, and a frame for a
 * stream id that was never opened, are protocol errors; a frame for a stream that has closed is ignored (the remote
 * may not know yet). A stream's SYN rides on its first frame, and the ACK on the first frame the accepting side's
 * application causes (the libp2p notes ask not to acknowledge before that); at most {@link #MAX_ACK_BACKLOG} of our
 * streams wait for their ACK, further {@code openStream} calls wait their turn.
 * Any protocol error sends GoAway(protocol error), resets every stream and closes the connection.
 */
final class YamuxSession {

    private static final Logger log = LoggerFactory.getLogger(YamuxSession.class);

    /** libp2p yamux notes, "ACK backlog": our streams that may wait for the remote's ACK at once. */
    static final int MAX_ACK_BACKLOG = 256;
    /** The largest DATA payload we send, so that header and payload fit one Noise message (65535 with its tag). */
    static final int MAX_SEND_PAYLOAD = 65535 - 16 - YamuxFrame.HEADER_LENGTH;
    /** Replies (pongs, stream rejections) written while the remote reads nothing, before it counts as a flood. */
    static final int MAX_REPLIES_WHILE_BLOCKED = 1024;
    private static final long MAX_STREAM_ID = 0xFFFF_FFFFL;

    /** The connection, as the session sees it. */
    interface Outbound {

        /** Writes a frame header (without flushing). */
        void write(YamuxFrame header);

        /** Writes a DATA header and its payload back to back (without flushing). Ownership: takes {@code payload}. */
        void write(YamuxFrame header, ByteBuf payload);

        void flush();

        /** {@code true} while the connection accepts writes without buffering beyond its high-water mark. */
        boolean isWritable();

        /** Writes and flushes {@code lastFrame} (or nothing, if {@code null}), then closes the connection. */
        void close(YamuxFrame lastFrame);
    }

    /** The caller of one {@code openStream}, answered exactly once on the event loop unless cancelled. */
    interface OpenCallback {

        void opened(YamuxStream stream);

        void failed(Throwable error);
    }

    private final YamuxConfig config;
    private final EventLoop loop;
    // The event loop's clock: the system's, or a test's that it advances by hand.
    private final Ticker ticker;
    private final Outbound out;
    private final Consumer<MuxedStream> inbound;
    private final Object connection;
    private final ConnectionResources resources;
    private final IntObjectHashMap<YamuxStream> streams = new IntObjectHashMap<>();
    private final ArrayDeque<OpenCallback> pendingOpens = new ArrayDeque<>();
    private long nextLocalId;
    private int highestRemoteId;
    private int inboundStreams;
    private int outboundStreams;
    private int ackBacklog;
    private volatile int streamCount;
    private boolean goAwayReceived;
    private boolean closed;
    private Throwable closeCause;
    private boolean unflushed;
    private int repliesWhileBlocked;

    // The DATA frame whose payload is arriving; a null target discards it.
    private YamuxStream payloadTarget;
    private int payloadRemaining;
    private boolean payloadFin;

    // At most one ping of ours is outstanding.
    private boolean pingOutstanding;
    private int pingOpaque;
    private long pingSentNanos;
    // The smallest round trip measured: a cold JVM or frames queued ahead can slow one ping, and too large a round
    // trip would grow the windows of readers that keep up anyway.
    private long rttNanos;
    // Receive window granted beyond the initial one, summed over the open streams.
    private long windowGrowth;
    private ScheduledFuture<?> keepAlive;

    /**
     * @param client {@code true} on the side that dialed: it uses odd stream ids, the other side even ones
     * @param connection names the connection in errors
     * @param resources where each stream and its buffers are reserved: its receive window as it grows, and
     *     {@link #streamMemory} from the start
     */
    YamuxSession(YamuxConfig config, boolean client, EventLoop loop, Outbound out, Consumer<MuxedStream> inbound,
                 Object connection, ConnectionResources resources) {
        this.config = config;
        this.loop = loop;
        this.ticker = loop instanceof AbstractScheduledEventExecutor scheduled ? scheduled.ticker()
                : Ticker.systemTicker();
        this.out = out;
        this.inbound = inbound;
        this.connection = connection;
        this.resources = resources;
        this.nextLocalId = client ? 1 : 2;
    }

    /** Starts keep-alive. */
    void start() {
        long interval = config.keepAliveInterval().toNanos();
        if (interval > 0) {
            keepAlive = loop.scheduleAtFixedRate(this::keepAlive, interval, interval, TimeUnit.NANOSECONDS);
        }
    }

    // ---- frames in ----

    void onFrame(YamuxFrame frame) {
        if (closed) {
            return;
        }
        switch (frame.type()) {
            case DATA, WINDOW_UPDATE -> onStreamFrame(frame);
            case PING -> onPing(frame);
            case GO_AWAY -> onGoAway(frame.length());
        }
        flushIfNeeded();
    }

    /** A slice of the payload of the last DATA frame. Ownership: takes {@code chunk}. */
    void onPayload(ByteBuf chunk) {
        YamuxStream target = payloadTarget;
        payloadRemaining -= chunk.readableBytes();
        boolean last = payloadRemaining <= 0;
        if (last) {
            payloadTarget = null;
        }
        if (target == null) {
            chunk.release();
            return;
        }
        target.onData(chunk);
        if (last && payloadFin) {
            target.onRemoteFin();
        }
        flushIfNeeded();
    }

    private void onStreamFrame(YamuxFrame frame) {
        int id = frame.streamId();
        int payload = frame.type() == YamuxFrame.Type.DATA ? frame.length() : 0;
        if (id == 0) {
            violation(frame.type() + " frame for stream id 0");
            return;
        }
        YamuxStream stream = streams.get(id);
        if (frame.has(SYN)) {
            if (stream != null) {
                violation("duplicate SYN for stream " + Integer.toUnsignedString(id));
                return;
            }
            if (isLocalId(id)) {
                violation("SYN for stream " + Integer.toUnsignedString(id) + ", an id of this side");
                return;
            }
            if (Integer.compareUnsigned(id, highestRemoteId) > 0) {
                highestRemoteId = id;
            }
            stream = acceptInbound(id);
        } else if (stream == null && neverOpened(id)) {
            violation(frame.type() + " frame for stream " + Integer.toUnsignedString(id) + ", which was never opened");
            return;
        }
        if (stream == null || frame.has(RST)) {
            if (stream != null) {
                stream.onRemoteReset();
            }
            discard(payload);
            return;
        }
        if (frame.has(ACK)) {
            stream.onAck();
        }
        if (frame.type() == YamuxFrame.Type.WINDOW_UPDATE) {
            stream.onWindowUpdate(frame.length());
            if (frame.has(FIN)) {
                stream.onRemoteFin();
            }
        } else if (!stream.onDataHeader(payload)) {
            violation("stream " + stream.id() + " sent " + Integer.toUnsignedString(payload)
                    + " bytes, beyond its receive window");
        } else if (payload > 0) {
            payloadTarget = stream;
            payloadRemaining = payload;
            payloadFin = frame.has(FIN);
        } else if (frame.has(FIN)) {
            stream.onRemoteFin();
        }
    }

    private YamuxStream acceptInbound(int id) {
        if (inboundStreams >= config.maxInboundStreams()) {
            log.debug("{}: rejecting stream {}, at the limit of {} inbound streams", connection,
                    Integer.toUnsignedString(id), config.maxInboundStreams());
            reply(YamuxFrame.windowUpdate(RST, id, 0));
            return null;
        }
        StreamResources reserved;
        try {
            reserved = resources.openStream(Direction.INBOUND, streamMemory());
        } catch (LimitExceededException e) {
            log.debug("{}: rejecting stream {}: {}", connection, Integer.toUnsignedString(id), e.getMessage());
            reply(YamuxFrame.windowUpdate(RST, id, 0));
            return null;
        }
        YamuxStream stream = new YamuxStream(this, id, Direction.INBOUND, reserved);
        streams.put(id, stream);
        inboundStreams++;
        streamCount = streams.size();
        inbound.accept(stream);
        return stream;
    }

    private void discard(int payload) {
        if (payload != 0) {
            payloadTarget = null;
            payloadRemaining = payload;
            payloadFin = false;
        }
    }

    private void onPing(YamuxFrame frame) {
        if (frame.has(SYN)) {
            reply(YamuxFrame.ping(ACK, frame.length()));
        } else if (frame.has(ACK) && pingOutstanding && frame.length() == pingOpaque) {
            pingOutstanding = false;
            long sample = Math.max(1, ticker.nanoTime() - pingSentNanos);
            rttNanos = rttNanos == 0 ? sample : Math.min(rttNanos, sample);
        }
    }

    private void onGoAway(int code) {
        goAwayReceived = true;
        failPendingOpens(ConnectionClosedException.of(connection, null));
        if (code != YamuxFrame.GO_AWAY_NORMAL) {
            log.debug("{}: remote went away with error code {}", connection, Integer.toUnsignedString(code));
            shutdown(ConnectionClosedException.of(connection + " (remote sent GoAway with error code "
                    + Integer.toUnsignedString(code) + ")", null));
            out.close(null);
        }
    }

    /** Writes a frame the remote asked for; a remote that asks for many while reading none is cut off. */
    private void reply(YamuxFrame frame) {
        if (!out.isWritable() && ++repliesWhileBlocked > MAX_REPLIES_WHILE_BLOCKED) {
            violation("more than " + MAX_REPLIES_WHILE_BLOCKED + " pings or rejected streams while not reading");
            return;
        }
        write(frame);
    }

    private boolean isLocalId(int id) {
        return (id & 1) == (nextLocalId & 1);
    }

    private boolean neverOpened(int id) {
        return isLocalId(id)
                ? Long.compareUnsigned(Integer.toUnsignedLong(id), nextLocalId) >= 0
                : Integer.compareUnsigned(id, highestRemoteId) > 0;
    }

    // ---- opening streams ----

    /** Opens an outbound stream now, or once the ACK backlog allows; answers {@code callback} on the event loop. */
    void openStream(OpenCallback callback) {
        if (closed || goAwayReceived) {
            callback.failed(ConnectionClosedException.of(connection, closeCause));
            return;
        }
        int opening = outboundStreams + pendingOpens.size();
        if (opening >= config.maxOutboundStreams()) {
            callback.failed(LimitExceededException.of("yamux outbound streams", opening, 1,
                    config.maxOutboundStreams()));
        } else if (ackBacklog >= MAX_ACK_BACKLOG) {
            pendingOpens.add(callback);
        } else {
            open(callback);
        }
    }

    /** Forgets a waiting {@code openStream} whose caller lost interest. */
    void cancelOpen(OpenCallback callback) {
        pendingOpens.remove(callback);
    }

    private void open(OpenCallback callback) {
        if (nextLocalId > MAX_STREAM_ID) {
            callback.failed(LimitExceededException.of("yamux stream ids", nextLocalId / 2, 1, MAX_STREAM_ID / 2));
            return;
        }
        StreamResources reserved;
        try {
            reserved = resources.openStream(Direction.OUTBOUND, streamMemory());
        } catch (LimitExceededException e) {
            callback.failed(e);
            return;
        }
        int id = (int) nextLocalId;
        nextLocalId += 2;
        YamuxStream stream = new YamuxStream(this, id, Direction.OUTBOUND, reserved);
        streams.put(id, stream);
        outboundStreams++;
        ackBacklog++;
        streamCount = streams.size();
        callback.opened(stream);
    }

    private void openWaiting() {
        while (!closed && ackBacklog < MAX_ACK_BACKLOG && !pendingOpens.isEmpty()) {
            open(pendingOpens.poll());
        }
    }

    private void failPendingOpens(Throwable error) {
        OpenCallback callback;
        while ((callback = pendingOpens.poll()) != null) {
            callback.failed(error);
        }
    }

    // ---- called by streams ----

    YamuxConfig config() {
        return config;
    }

    EventLoop eventLoop() {
        return loop;
    }

    long nanoTime() {
        return ticker.nanoTime();
    }

    /**
     * The round trip windows grow by, 0 until measured. The first call starts the measurement, so a connection
     * that never moves enough data to grow a window never sends a ping for it.
     */
    long rttNanos() {
        if (rttNanos == 0 && !pingOutstanding) {
            sendPing();
        }
        return rttNanos;
    }

    /**
     * The buffer memory reserved for each stream while it is open: its initial receive window and the writes it may
     * queue beyond its send window. Growth of the receive window is reserved as it is granted.
     */
    long streamMemory() {
        return YamuxConfig.INITIAL_WINDOW + (long) config.maxQueuedWriteBytes();
    }

    /** Takes back window growth granted by {@link #growWindow} that the stream could not reserve memory for. */
    void returnGrowth(int granted) {
        windowGrowth -= granted;
    }

    /** How much of {@code wanted} more receive window a stream may grant, within the connection's limit. */
    int growWindow(int wanted) {
        long room = config.maxConnectionReceiveWindow() - (long) streams.size() * YamuxConfig.INITIAL_WINDOW
                - windowGrowth;
        int granted = (int) Math.max(0, Math.min(wanted, room));
        windowGrowth += granted;
        return granted;
    }

    boolean isChannelWritable() {
        return !closed && out.isWritable();
    }

    void write(YamuxFrame header) {
        out.write(header);
        unflushed = true;
    }

    void write(YamuxFrame header, ByteBuf payload) {
        out.write(header, payload);
        unflushed = true;
    }

    void flushIfNeeded() {
        if (unflushed) {
            unflushed = false;
            out.flush();
        }
    }

    /** An outbound stream got its ACK. */
    void onAcked() {
        ackBacklog--;
        openWaiting();
    }

    /** A stream is done (both sides closed, or reset): forget it. */
    void onStreamClosed(YamuxStream stream, boolean awaitingAck) {
        stream.resources().close();
        if (streams.remove(stream.rawId()) == null) {
            return;
        }
        windowGrowth -= stream.windowGrowth();
        streamCount = streams.size();
        if (stream.direction() == Direction.INBOUND) {
            inboundStreams--;
        } else {
            outboundStreams--;
            if (awaitingAck) {
                ackBacklog--;
            }
        }
        openWaiting();
    }

    /** The remote broke the protocol: GoAway(protocol error), reset everything, close. */
    void violation(String reason) {
        fail(ProtocolViolationException.connection("yamux", reason));
    }

    // ---- connection events ----

    int streamCount() {
        return streamCount;
    }

    void fail(ProtocolViolationException error) {
        if (!closed) {
            log.debug("{}: {}", connection, error.getMessage());
            shutdown(error);
            out.close(YamuxFrame.goAway(YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
        }
    }

    /** Local close: tell the remote, reset every stream, close. */
    void close() {
        if (!closed) {
            shutdown(null);
            out.close(YamuxFrame.goAway(YamuxFrame.GO_AWAY_NORMAL));
        }
    }

    /** The connection failed underneath (I/O error): reset every stream and close without a word. */
    void abort(Throwable cause) {
        if (!closed) {
            log.debug("{}: closing after {}", connection, cause.toString());
            shutdown(cause);
            out.close(null);
        }
    }

    /** The connection has closed. */
    void onConnectionClosed() {
        shutdown(null);
    }

    void onChannelWritable() {
        repliesWhileBlocked = 0;
        if (!closed) {
            for (YamuxStream stream : streams.values().toArray(new YamuxStream[0])) {
                stream.notifyIfWritable();
            }
            flushIfNeeded();
        }
    }

    private void shutdown(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        closeCause = cause;
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        payloadTarget = null;
        failPendingOpens(ConnectionClosedException.of(connection, cause));
        YamuxStream[] all = streams.values().toArray(new YamuxStream[0]);
        streams.clear();
        inboundStreams = 0;
        outboundStreams = 0;
        ackBacklog = 0;
        streamCount = 0;
        for (YamuxStream stream : all) {
            stream.resources().close();
            stream.onConnectionClosed(cause);
        }
    }

    // ---- pings ----

    private void keepAlive() {
        if (closed) {
            return;
        }
        if (pingOutstanding) {
            log.debug("{}: keep-alive ping unanswered for {}", connection, config.keepAliveInterval());
            shutdown(ConnectionClosedException.of(connection + " (keep-alive ping unanswered for "
                    + config.keepAliveInterval() + ")", null));
            out.close(null);
            return;
        }
        sendPing();
        flushIfNeeded();
    }

    private void sendPing() {
        pingOutstanding = true;
        pingOpaque++;
        pingSentNanos = ticker.nanoTime();
        write(YamuxFrame.ping(SYN, pingOpaque));
    }
}
