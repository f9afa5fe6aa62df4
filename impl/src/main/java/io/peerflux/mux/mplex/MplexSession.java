package io.peerflux.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.collection.LongObjectHashMap;
import io.peerflux.ConnectionClosedException;
import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.mux.MuxedStream;
import io.peerflux.resource.ConnectionResources;
import io.peerflux.resource.StreamResources;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mplex state machine of one connection: frames in, frames and stream events out. It owns the two stream tables
 * (streams we opened and streams the remote opened: each side counts its own ids), limits, the receive-buffer
 * accounting that pauses reading, and the session's end; {@link MplexStream} owns each stream's buffers and
 * half-closes. It knows nothing of Reactor or sockets: {@link Outbound} is all it sees of the connection. Confined to
 * the connection's event loop.
 *
 * <p>Rules taken where the spec leaves room, as go-mplex does: a message, close or reset for a stream we do not know
 * is dropped (we may have reset and forgotten it), except when it names one of our own ids that we never handed
 * out, which is a protocol error; so is a NewStream for a stream that is open. Any protocol error resets every
 * stream and closes the connection: mplex has no way to tell the remote why.
 */
final class MplexSession {

    private static final Logger log = LoggerFactory.getLogger(MplexSession.class);

    /** The largest data segment we send: header and data fit one Noise message (65535 bytes with its tag). */
    static final int MAX_SEND_PAYLOAD = 65535 - 16 - MplexFrame.MAX_HEADER_LENGTH;
    /** Replies (stream rejections and resets) written while the remote reads nothing, before it counts as a flood. */
    static final int MAX_REPLIES_WHILE_BLOCKED = 1024;

    /** The connection, as the session sees it. */
    interface Outbound {

        /** Writes a frame header (without flushing). */
        void write(MplexFrame header);

        /** Writes a header and its data back to back (without flushing). Ownership: takes {@code data}. */
        void write(MplexFrame header, ByteBuf data);

        void flush();

        /** {@code true} while the connection accepts writes without buffering beyond its high-water mark. */
        boolean isWritable();

        /** Starts or stops reading from the connection. */
        void setReading(boolean reading);

        /** Closes the connection, after what was written reached it if {@code graceful}. */
        void close(boolean graceful);
    }

    private final MplexConfig config;
    private final EventLoop loop;
    private final Outbound out;
    private final Consumer<MuxedStream> inbound;
    private final Object connection;
    private final ConnectionResources resources;
    private final LongObjectHashMap<MplexStream> localStreams = new LongObjectHashMap<>();
    private final LongObjectHashMap<MplexStream> remoteStreams = new LongObjectHashMap<>();
    private long nextLocalId;
    private volatile int streamCount;
    private boolean closed;
    private Throwable closeCause;
    private boolean unflushed;
    private int repliesWhileBlocked;

    // The message whose data is arriving; a null target drops it.
    private MplexStream dataTarget;
    private int dataRemaining;

    // Receive buffering: unconsumed bytes of live streams, and how many streams are above their pause mark.
    private long buffered;
    private int streamsAboveMark;
    private boolean paused;
    private boolean resumeScheduled;
    private ScheduledFuture<?> stallTimer;

    /**
     * @param connection names the connection in errors
     * @param resources where each stream, and each byte buffered for it, is reserved
     */
    MplexSession(MplexConfig config, EventLoop loop, Outbound out, Consumer<MuxedStream> inbound, Object connection,
                 ConnectionResources resources) {
        this.config = config;
        this.loop = loop;
        this.out = out;
        this.inbound = inbound;
        this.connection = connection;
        this.resources = resources;
    }

    // ---- frames in ----

    void onFrame(MplexFrame frame) {
        if (closed) {
            return;
        }
        dataTarget = null;
        dataRemaining = frame.length();
        long id = frame.streamId();
        boolean remoteOpened = frame.flag().fromInitiator();
        MplexStream stream = remoteOpened ? remoteStreams.get(id) : localStreams.get(id);
        if (frame.flag() == MplexFrame.Flag.NEW_STREAM) {
            if (stream != null) {
                violation("NewStream for stream " + id + ", which is open");
            } else {
                acceptInbound(id);
            }
        } else if (stream == null) {
            if (!remoteOpened && id >= nextLocalId) {
                violation(frame.flag() + " for stream " + id + ", which we never opened");
            }
        } else {
            switch (frame.flag()) {
                case MESSAGE_INITIATOR, MESSAGE_RECEIVER -> {
                    if (stream.onMessage(frame.length())) {
                        dataTarget = stream;
                    }
                }
                case CLOSE_INITIATOR, CLOSE_RECEIVER -> stream.onRemoteClose();
                case RESET_INITIATOR, RESET_RECEIVER -> stream.onRemoteReset();
                default -> throw new AssertionError(frame.flag());
            }
        }
        flushIfNeeded();
    }

    /** A slice of the data of the last message. Ownership: takes {@code chunk}. */
    void onData(ByteBuf chunk) {
        MplexStream target = dataTarget;
        dataRemaining -= chunk.readableBytes();
        if (dataRemaining <= 0) {
            dataTarget = null;
        }
        if (target == null) {
            chunk.release();
            return;
        }
        target.onData(chunk);
        flushIfNeeded();
    }

    private void acceptInbound(long id) {
        if (remoteStreams.size() >= config.maxInboundStreams()) {
            log.debug("{}: rejecting stream {}, at the limit of {} inbound streams", connection, id,
                    config.maxInboundStreams());
            reply(MplexFrame.reset(id, false));
            return;
        }
        StreamResources reserved;
        try {
            reserved = resources.openStream(Direction.INBOUND, 0);
        } catch (LimitExceededException e) {
            log.debug("{}: rejecting stream {}: {}", connection, id, e.getMessage());
            reply(MplexFrame.reset(id, false));
            return;
        }
        MplexStream stream = new MplexStream(this, id, Direction.INBOUND, reserved);
        remoteStreams.put(id, stream);
        streamCount = localStreams.size() + remoteStreams.size();
        inbound.accept(stream);
    }

    // ---- opening streams ----

    /**
     * Opens an outbound stream and announces it (with an empty name, which the spec allows).
     *
     * @throws ConnectionClosedException once the session is closed
     * @throws LimitExceededException at the outbound stream limit, or when the resource manager refuses the stream
     */
    MplexStream openStream() {
        if (closed) {
            throw ConnectionClosedException.of(connection, closeCause);
        }
        if (localStreams.size() >= config.maxOutboundStreams()) {
            throw LimitExceededException.of("mplex outbound streams", localStreams.size(), 1,
                    config.maxOutboundStreams());
        }
        if (nextLocalId > MplexFrame.MAX_STREAM_ID) {
            throw LimitExceededException.of("mplex stream ids", nextLocalId, 1, MplexFrame.MAX_STREAM_ID + 1);
        }
        StreamResources reserved = resources.openStream(Direction.OUTBOUND, 0);
        long id = nextLocalId++;
        MplexStream stream = new MplexStream(this, id, Direction.OUTBOUND, reserved);
        localStreams.put(id, stream);
        streamCount = localStreams.size() + remoteStreams.size();
        write(MplexFrame.newStream(id));
        flushIfNeeded();
        return stream;
    }

    // ---- called by streams ----

    MplexConfig config() {
        return config;
    }

    EventLoop eventLoop() {
        return loop;
    }

    boolean isChannelWritable() {
        return !closed && out.isWritable();
    }

    void write(MplexFrame header) {
        out.write(header);
        unflushed = true;
    }

    void write(MplexFrame header, ByteBuf data) {
        out.write(header, data);
        unflushed = true;
    }

    /** Writes a frame the remote's behaviour called for; a remote that causes many while reading none is cut off. */
    void reply(MplexFrame frame) {
        if (!out.isWritable() && ++repliesWhileBlocked > MAX_REPLIES_WHILE_BLOCKED) {
            violation("more than " + MAX_REPLIES_WHILE_BLOCKED + " rejected or reset streams while not reading");
            return;
        }
        write(frame);
    }

    void flushIfNeeded() {
        if (unflushed) {
            unflushed = false;
            out.flush();
        }
    }

    /** A stream is done (both sides closed, or reset): forget it and the bytes it still counted. */
    void onStreamDone(MplexStream stream, long unconsumed) {
        LongObjectHashMap<MplexStream> table = stream.direction() == Direction.OUTBOUND ? localStreams : remoteStreams;
        if (table.remove(stream.rawId()) == null) {
            return;
        }
        streamCount = localStreams.size() + remoteStreams.size();
        buffered -= unconsumed;
        updateReading();
    }

    /** The remote broke the protocol: reset everything, close. */
    void violation(String reason) {
        fail(ProtocolViolationException.connection("mplex", reason));
    }

    // ---- receive buffering ----

    /** The unconsumed bytes above which a stream pauses reading. */
    int streamMark() {
        return config.maxStreamBuffer() / 2;
    }

    /** Whether {@code bytes} more fit the connection's buffer. */
    boolean connectionHasRoomFor(long bytes) {
        return buffered + bytes <= config.maxConnectionBuffer();
    }

    long buffered() {
        return buffered;
    }

    /** Unconsumed bytes of a live stream changed by {@code delta}. */
    void onBuffered(long delta) {
        buffered += delta;
    }

    void onStreamMark(boolean above) {
        streamsAboveMark += above ? 1 : -1;
    }

    /** Pauses reading while a stream or the connection is above its mark, and resumes once none is. */
    void updateReading() {
        if (congested() && !paused) {
            paused = true;
            out.setReading(false);
            stallTimer = loop.schedule(this::onReadStall, config.readStallTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } else if (paused && !resumeScheduled && !congested()) {
            // Not now: resuming may read at once, and we may be in the middle of handling a read.
            resumeScheduled = true;
            loop.execute(this::resume);
        }
    }

    private boolean congested() {
        return !closed && (streamsAboveMark > 0 || buffered > config.maxConnectionBuffer() / 2);
    }

    private void resume() {
        resumeScheduled = false;
        if (paused && !congested()) {
            paused = false;
            stallTimer.cancel(false);
            if (!closed) {
                out.setReading(true);
            }
        }
    }

    /** Reading stayed paused too long: reset the streams that keep it paused, then read again. */
    private void onReadStall() {
        if (!paused || !congested()) {
            return;
        }
        log.debug("{}: reading paused for {}, resetting the streams that hold it up", connection,
                config.readStallTimeout());
        String unread = " unread for " + config.readStallTimeout();
        for (MplexStream stream : allStreams()) {
            if (stream.isAboveMark()) {
                stream.resetBecause(LimitExceededException.of("mplex stream receive buffer" + unread,
                        stream.unconsumed(), 0, streamMark()));
            }
        }
        MplexStream largest;
        while (congested() && (largest = largestHolder()) != null) {
            largest.resetBecause(LimitExceededException.of("mplex connection receive buffer" + unread, buffered, 0,
                    config.maxConnectionBuffer() / 2));
        }
        flushIfNeeded();
        updateReading();
    }

    private MplexStream largestHolder() {
        MplexStream largest = null;
        for (MplexStream stream : allStreams()) {
            if (largest == null || stream.unconsumed() > largest.unconsumed()) {
                largest = stream;
            }
        }
        return largest;
    }

    private MplexStream[] allStreams() {
        MplexStream[] all = new MplexStream[localStreams.size() + remoteStreams.size()];
        int i = 0;
        for (MplexStream stream : localStreams.values()) {
            all[i++] = stream;
        }
        for (MplexStream stream : remoteStreams.values()) {
            all[i++] = stream;
        }
        return all;
    }

    // ---- connection events ----

    int streamCount() {
        return streamCount;
    }

    void fail(ProtocolViolationException error) {
        if (!closed) {
            log.debug("{}: {}", connection, error.getMessage());
            shutdown(error);
            out.close(false);
        }
    }

    /** Local close: reset every stream, close once what was written has gone out. */
    void close() {
        if (!closed) {
            shutdown(null);
            out.close(true);
        }
    }

    /** The connection failed underneath (I/O error): reset every stream and close. */
    void abort(Throwable cause) {
        if (!closed) {
            log.debug("{}: closing after {}", connection, cause.toString());
            shutdown(cause);
            out.close(false);
        }
    }

    /** The connection has closed. */
    void onConnectionClosed() {
        shutdown(null);
    }

    void onChannelWritable() {
        repliesWhileBlocked = 0;
        if (!closed) {
            for (MplexStream stream : allStreams()) {
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
        dataTarget = null;
        if (stallTimer != null) {
            stallTimer.cancel(false);
        }
        MplexStream[] all = allStreams();
        localStreams.clear();
        remoteStreams.clear();
        streamCount = 0;
        for (MplexStream stream : all) {
            stream.onConnectionClosed(cause);
            stream.resources().close();
        }
    }
}
