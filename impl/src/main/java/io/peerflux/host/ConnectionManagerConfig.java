package io.peerflux.host;

import java.time.Duration;
import java.util.Objects;

/**
 * How a host bounds its connections and streams over time. Immutable: each {@code withXxx} returns a changed copy.
 *
 * <p>Defaults ({@link #defaults()}):
 * <ul>
 *   <li>watermarks: low 160, high 192 (go-libp2p's). Above {@code high} open connections, the host closes
 *       connections down to {@code low}: those of the peers with the lowest {@link io.peerflux.ConnectionManager}
 *       tag value first (whole peers; fewer open streams first among equals). Protected peers and connections
 *       younger than the grace period are never trimmed, so the count can stay above {@code high} while they
 *       make it up.</li>
 *   <li>grace period 1 minute (go-libp2p's): a new connection is not trimmed before it had time to prove useful.</li>
 *   <li>trim interval 10 s (go-libp2p's silence period): the count is checked this often and when a connection
 *       opens, and a trim runs at most once per interval, on a Reactor parallel thread, in time and memory linear
 *       in the number of connections.</li>
 *   <li>idle connection timeout: off. When set, a connection that had no open stream for that long is closed
 *       (those of protected peers are kept). Off by default as go-libp2p has none: the watermarks bound the count,
 *       and a DHT keeps connections to its routing table that are mostly idle.</li>
 *   <li>idle stream timeout 10 minutes: a stream on which nothing was sent or received for that long is reset, with
 *       a {@link io.peerflux.StreamResetException} whose cause says so, at both ends. go-libp2p's yamux has no
 *       such timeout (its resource manager bounds the stream count); Peerflux bounds the time a peer can hold a
 *       stream slot without using it. A protocol that keeps quiet streams open for longer must send on them or
 *       raise this; {@link Duration#ZERO} turns it off.</li>
 * </ul>
 * Idle streams and connections are checked on each connection's event loop, a quarter of the shorter timeout
 * apart, so one is closed between the timeout and a quarter more after it.
 */
public final class ConnectionManagerConfig {

    private static final ConnectionManagerConfig DEFAULTS = new ConnectionManagerConfig(160, 192,
            Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(10));

    private final int lowWater;
    private final int highWater;
    private final Duration gracePeriod;
    private final Duration trimInterval;
    private final Duration idleConnectionTimeout;
    private final Duration idleStreamTimeout;

    private ConnectionManagerConfig(int lowWater, int highWater, Duration gracePeriod, Duration trimInterval,
                                    Duration idleConnectionTimeout, Duration idleStreamTimeout) {
        this.lowWater = lowWater;
        this.highWater = highWater;
        this.gracePeriod = gracePeriod;
        this.trimInterval = trimInterval;
        this.idleConnectionTimeout = idleConnectionTimeout;
        this.idleStreamTimeout = idleStreamTimeout;
    }

    /** The documented defaults. */
    public static ConnectionManagerConfig defaults() {
        return DEFAULTS;
    }

    public int lowWater() {
        return lowWater;
    }

    public int highWater() {
        return highWater;
    }

    public Duration gracePeriod() {
        return gracePeriod;
    }

    public Duration trimInterval() {
        return trimInterval;
    }

    /** {@link Duration#ZERO} when off. */
    public Duration idleConnectionTimeout() {
        return idleConnectionTimeout;
    }

    /** {@link Duration#ZERO} when off. */
    public Duration idleStreamTimeout() {
        return idleStreamTimeout;
    }

    /** @param low at least 0; {@code high} at least {@code low} */
    public ConnectionManagerConfig withWatermarks(int low, int high) {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= low <= high: " + low + ", " + high);
        }
        return new ConnectionManagerConfig(low, high, gracePeriod, trimInterval, idleConnectionTimeout,
                idleStreamTimeout);
    }

    /** @param grace zero or positive */
    public ConnectionManagerConfig withGracePeriod(Duration grace) {
        return new ConnectionManagerConfig(lowWater, highWater, notNegative(grace, "gracePeriod"), trimInterval,
                idleConnectionTimeout, idleStreamTimeout);
    }

    /** @param interval positive */
    public ConnectionManagerConfig withTrimInterval(Duration interval) {
        if (notNegative(interval, "trimInterval").isZero()) {
            throw new IllegalArgumentException("trimInterval must be positive");
        }
        return new ConnectionManagerConfig(lowWater, highWater, gracePeriod, interval, idleConnectionTimeout,
                idleStreamTimeout);
    }

    /** @param timeout positive, or {@link Duration#ZERO} for none */
    public ConnectionManagerConfig withIdleConnectionTimeout(Duration timeout) {
        return new ConnectionManagerConfig(lowWater, highWater, gracePeriod, trimInterval,
                notNegative(timeout, "idleConnectionTimeout"), idleStreamTimeout);
    }

    /** @param timeout positive, or {@link Duration#ZERO} for none */
    public ConnectionManagerConfig withIdleStreamTimeout(Duration timeout) {
        return new ConnectionManagerConfig(lowWater, highWater, gracePeriod, trimInterval, idleConnectionTimeout,
                notNegative(timeout, "idleStreamTimeout"));
    }

    private static Duration notNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "ConnectionManagerConfig[watermarks=" + lowWater + "/" + highWater + ", grace=" + gracePeriod
                + ", trimInterval=" + trimInterval + ", idleConnection=" + idleConnectionTimeout + ", idleStream="
                + idleStreamTimeout + "]";
    }
}
