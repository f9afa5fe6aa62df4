package io.peerflux.mux.mplex;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link Mplex} muxer. Immutable: each {@code withXxx} returns a changed copy.
 *
 * <p>mplex has no flow control, so these settings are what stands between a fast sender and our memory (see the
 * package documentation for the whole policy). Defaults ({@link #defaults()}):
 * <ul>
 *   <li>{@code maxStreamBuffer} 4 MiB: the most unconsumed inbound bytes one stream may hold. Reading from the
 *       connection pauses once a stream holds half of it; a message that would take it beyond resets the
 *       stream.</li>
 *   <li>{@code maxConnectionBuffer} 16 MiB: the same for all streams of a connection together.</li>
 *   <li>{@code readStallTimeout} 5 s (go-mplex's receive timeout): how long reading may stay paused before the
 *       streams that keep it paused are reset.</li>
 *   <li>{@code maxInboundStreams} 1000: a stream the remote opens beyond this is reset at once.</li>
 *   <li>{@code maxOutboundStreams} 1000: {@code openStream()} beyond this fails with
 *       {@link io.peerflux.LimitExceededException}.</li>
 * </ul>
 */
public final class MplexConfig {

    /** The smallest stream buffer: half of it must still take a whole message above the pause mark. */
    public static final int MIN_STREAM_BUFFER = 2 * MplexFrame.MAX_MESSAGE_SIZE;

    private static final MplexConfig DEFAULTS =
            new MplexConfig(4 << 20, 16 << 20, Duration.ofSeconds(5), 1000, 1000);

    private final int maxStreamBuffer;
    private final long maxConnectionBuffer;
    private final Duration readStallTimeout;
    private final int maxInboundStreams;
    private final int maxOutboundStreams;

    private MplexConfig(int maxStreamBuffer, long maxConnectionBuffer, Duration readStallTimeout,
                        int maxInboundStreams, int maxOutboundStreams) {
        this.maxStreamBuffer = maxStreamBuffer;
        this.maxConnectionBuffer = maxConnectionBuffer;
        this.readStallTimeout = readStallTimeout;
        this.maxInboundStreams = maxInboundStreams;
        this.maxOutboundStreams = maxOutboundStreams;
    }

    /** The documented defaults. */
    public static MplexConfig defaults() {
        return DEFAULTS;
    }

    /**
     * @param bytes at least {@link #MIN_STREAM_BUFFER}; the connection buffer grows to match if it is smaller
     */
    public MplexConfig withMaxStreamBuffer(int bytes) {
        if (bytes < MIN_STREAM_BUFFER) {
            throw new IllegalArgumentException("maxStreamBuffer must be at least " + MIN_STREAM_BUFFER + ": " + bytes);
        }
        return new MplexConfig(bytes, Math.max(bytes, maxConnectionBuffer), readStallTimeout, maxInboundStreams,
                maxOutboundStreams);
    }

    /** @param bytes at least {@link #maxStreamBuffer()} */
    public MplexConfig withMaxConnectionBuffer(long bytes) {
        if (bytes < maxStreamBuffer) {
            throw new IllegalArgumentException("maxConnectionBuffer must be at least maxStreamBuffer ("
                    + maxStreamBuffer + "): " + bytes);
        }
        return new MplexConfig(maxStreamBuffer, bytes, readStallTimeout, maxInboundStreams, maxOutboundStreams);
    }

    /** @param timeout positive */
    public MplexConfig withReadStallTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("readStallTimeout must be positive: " + timeout);
        }
        return new MplexConfig(maxStreamBuffer, maxConnectionBuffer, timeout, maxInboundStreams, maxOutboundStreams);
    }

    /** @param streams at least 0 */
    public MplexConfig withMaxInboundStreams(int streams) {
        return new MplexConfig(maxStreamBuffer, maxConnectionBuffer, readStallTimeout,
                nonNegative("maxInboundStreams", streams), maxOutboundStreams);
    }

    /** @param streams at least 0 */
    public MplexConfig withMaxOutboundStreams(int streams) {
        return new MplexConfig(maxStreamBuffer, maxConnectionBuffer, readStallTimeout, maxInboundStreams,
                nonNegative("maxOutboundStreams", streams));
    }

    public int maxStreamBuffer() {
        return maxStreamBuffer;
    }

    public long maxConnectionBuffer() {
        return maxConnectionBuffer;
    }

    public Duration readStallTimeout() {
        return readStallTimeout;
    }

    public int maxInboundStreams() {
        return maxInboundStreams;
    }

    public int maxOutboundStreams() {
        return maxOutboundStreams;
    }

    private static int nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "MplexConfig[maxStreamBuffer=" + maxStreamBuffer + ", maxConnectionBuffer=" + maxConnectionBuffer
                + ", readStallTimeout=" + readStallTimeout + ", maxInboundStreams=" + maxInboundStreams
                + ", maxOutboundStreams=" + maxOutboundStreams + "]";
    }
}
