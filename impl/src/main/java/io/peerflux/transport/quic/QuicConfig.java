package io.peerflux.transport.quic;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link Quic} transport. Immutable: each {@code withXxx} returns a changed copy.
 *
 * <p>Defaults ({@link #defaults()}):
 * <ul>
 *   <li>{@code idleTimeout} 30 s: a connection with no packets in either direction for this long is closed (QUIC
 *       max_idle_timeout; the smaller of both sides' values applies). No keep-alive pings are sent: Netty's QUIC
 *       codec offers none, so idle connections do close.</li>
 *   <li>{@code handshakeTimeout} 10 s: a connection not established (TLS and peer check done) within this is
 *       dropped, on either side.</li>
 *   <li>{@code maxInboundStreams} 256: how many bidirectional streams the remote may have open at once (QUIC
 *       initial_max_streams_bidi). QUIC itself refuses more: the remote cannot open them until some close.</li>
 *   <li>{@code streamReceiveWindow} 1 MiB: the initial per-stream flow-control window (initial_max_stream_data).
 *       Credit is given back only as the stream's reader consumes data, so a stalled reader holds the remote to
 *       this window plus one read.</li>
 *   <li>{@code connectionReceiveWindow} 16 MiB: the initial window shared by all streams of a connection
 *       (initial_max_data).</li>
 *   <li>{@code maxConnectionsPerListener} 1024: further connections a listener is asked to accept are refused
 *       (CONNECTION_REFUSED) until some close.</li>
 *   <li>{@code maxResetStreams} 10000: a connection is closed once this many of its streams ended in a reset
 *       (either side's) rather than both FINs. Netty's QUIC codec keeps about 0.8 KB of state for each such stream
 *       until its connection closes; this bounds it, against a remote that opens and resets streams forever.</li>
 * </ul>
 */
public final class QuicConfig {

    private static final QuicConfig DEFAULTS = new QuicConfig(Duration.ofSeconds(30), Duration.ofSeconds(10), 256,
            1 << 20, 16 << 20, 1024, 10_000);

    private final Duration idleTimeout;
    private final Duration handshakeTimeout;
    private final int maxInboundStreams;
    private final int streamReceiveWindow;
    private final int connectionReceiveWindow;
    private final int maxConnectionsPerListener;
    private final int maxResetStreams;

    private QuicConfig(Duration idleTimeout, Duration handshakeTimeout, int maxInboundStreams,
                       int streamReceiveWindow, int connectionReceiveWindow, int maxConnectionsPerListener,
                       int maxResetStreams) {
        this.idleTimeout = idleTimeout;
        this.handshakeTimeout = handshakeTimeout;
        this.maxInboundStreams = maxInboundStreams;
        this.streamReceiveWindow = streamReceiveWindow;
        this.connectionReceiveWindow = connectionReceiveWindow;
        this.maxConnectionsPerListener = maxConnectionsPerListener;
        this.maxResetStreams = maxResetStreams;
    }

    /** The documented defaults. */
    public static QuicConfig defaults() {
        return DEFAULTS;
    }

    /** @param timeout positive */
    public QuicConfig withIdleTimeout(Duration timeout) {
        return new QuicConfig(positive("idleTimeout", timeout), handshakeTimeout, maxInboundStreams,
                streamReceiveWindow, connectionReceiveWindow, maxConnectionsPerListener, maxResetStreams);
    }

    /** @param timeout positive */
    public QuicConfig withHandshakeTimeout(Duration timeout) {
        return new QuicConfig(idleTimeout, positive("handshakeTimeout", timeout), maxInboundStreams,
                streamReceiveWindow, connectionReceiveWindow, maxConnectionsPerListener, maxResetStreams);
    }

    /** @param streams at least 0 */
    public QuicConfig withMaxInboundStreams(int streams) {
        return new QuicConfig(idleTimeout, handshakeTimeout, atLeast("maxInboundStreams", streams, 0),
                streamReceiveWindow, connectionReceiveWindow, maxConnectionsPerListener, maxResetStreams);
    }

    /** @param bytes at least 16 KiB */
    public QuicConfig withStreamReceiveWindow(int bytes) {
        return new QuicConfig(idleTimeout, handshakeTimeout, maxInboundStreams,
                atLeast("streamReceiveWindow", bytes, 16 * 1024), connectionReceiveWindow, maxConnectionsPerListener,
                maxResetStreams);
    }

    /** @param bytes at least 16 KiB */
    public QuicConfig withConnectionReceiveWindow(int bytes) {
        return new QuicConfig(idleTimeout, handshakeTimeout, maxInboundStreams, streamReceiveWindow,
                atLeast("connectionReceiveWindow", bytes, 16 * 1024), maxConnectionsPerListener, maxResetStreams);
    }

    /** @param connections at least 1 */
    public QuicConfig withMaxConnectionsPerListener(int connections) {
        return new QuicConfig(idleTimeout, handshakeTimeout, maxInboundStreams, streamReceiveWindow,
                connectionReceiveWindow, atLeast("maxConnectionsPerListener", connections, 1), maxResetStreams);
    }

    /** @param streams at least 1 */
    public QuicConfig withMaxResetStreams(int streams) {
        return new QuicConfig(idleTimeout, handshakeTimeout, maxInboundStreams, streamReceiveWindow,
                connectionReceiveWindow, maxConnectionsPerListener, atLeast("maxResetStreams", streams, 1));
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public int maxInboundStreams() {
        return maxInboundStreams;
    }

    public int streamReceiveWindow() {
        return streamReceiveWindow;
    }

    public int connectionReceiveWindow() {
        return connectionReceiveWindow;
    }

    public int maxConnectionsPerListener() {
        return maxConnectionsPerListener;
    }

    public int maxResetStreams() {
        return maxResetStreams;
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    private static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "QuicConfig[idleTimeout=" + idleTimeout + ", handshakeTimeout=" + handshakeTimeout
                + ", maxInboundStreams=" + maxInboundStreams + ", streamReceiveWindow=" + streamReceiveWindow
                + ", connectionReceiveWindow=" + connectionReceiveWindow + ", maxConnectionsPerListener="
                + maxConnectionsPerListener + ", maxResetStreams=" + maxResetStreams + "]";
    }
}
