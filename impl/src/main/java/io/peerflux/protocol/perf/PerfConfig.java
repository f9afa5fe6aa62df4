package io.peerflux.protocol.perf;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the perf server and client. Immutable: each {@code withXxx} returns a changed copy.
 *
 * <p>Defaults ({@link #defaults()}):
 * <ul>
 *   <li>{@code maxDownloadBytes} 16 GiB: the most a server sends on one stream. A larger request (the spec allows
 *       up to 2<sup>64</sup>-1, e.g. for its timer-based download variant) fails the stream with
 *       {@link io.peerflux.LimitExceededException} and resets it before anything is sent, so a client can ask for
 *       at most that much work per stream.</li>
 *   <li>{@code idleTimeout} 30 s: an exchange in which no byte moves either way for this long (a peer that stops
 *       sending without closing its write side, or stops reading) fails with
 *       {@link io.peerflux.ProtocolViolationException} and the stream is reset. Detection takes between one and two
 *       timeouts.</li>
 * </ul>
 */
public final class PerfConfig {

    private static final PerfConfig DEFAULTS = new PerfConfig(16L << 30, Duration.ofSeconds(30));

    private final long maxDownloadBytes;
    private final Duration idleTimeout;

    private PerfConfig(long maxDownloadBytes, Duration idleTimeout) {
        this.maxDownloadBytes = maxDownloadBytes;
        this.idleTimeout = idleTimeout;
    }

    /** The documented defaults. */
    public static PerfConfig defaults() {
        return DEFAULTS;
    }

    /** @param bytes at least 0 */
    public PerfConfig withMaxDownloadBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxDownloadBytes must not be negative: " + bytes);
        }
        return new PerfConfig(bytes, idleTimeout);
    }

    /** @param timeout positive */
    public PerfConfig withIdleTimeout(Duration timeout) {
        if (Objects.requireNonNull(timeout).isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + timeout);
        }
        return new PerfConfig(maxDownloadBytes, timeout);
    }

    public long maxDownloadBytes() {
        return maxDownloadBytes;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }
}
