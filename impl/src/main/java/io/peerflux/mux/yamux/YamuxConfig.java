package io.peerflux.mux.yamux;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Yamux} muxer. Immutable: each {@code withXxx} returns a changed copy.
 *
 * <p>Defaults ({@link #defaults()}):
 * <ul>
 *   <li>{@code maxReceiveWindow} 16 MiB, as in go-yamux and js-libp2p: each stream starts with the spec's 256 KiB
 *       window, which doubles (up to this) whenever the reader consumed half of it within two round trips, i.e.
 *       when the window and not the reader limits throughput. A fixed 256 KiB window would hold a stream to
 *       2.6 MB/s on a 100 ms path. Unconsumed inbound bytes per stream never exceed the current window, and a
 *       reader that falls behind never grows it; {@link #INITIAL_WINDOW} turns growth off.</li>
 *   <li>{@code maxConnectionReceiveWindow} 64 MiB: a stream's window grows only while the receive windows of all
 *       the connection's streams together stay within this, so one connection holds at most this much unread
 *       data, or 256 KiB per stream when more streams are open than fit.</li>
 *   <li>{@code maxInboundStreams} 1000: a stream the remote opens beyond this is reset at once.</li>
 *   <li>{@code maxOutboundStreams} 1000: {@code openStream()} beyond this fails with
 *       {@link io.peerflux.LimitExceededException}.</li>
 *   <li>{@code maxQueuedWriteBytes} 64 KiB: per stream, how many written bytes may wait for send window before
 *       {@code isWritable()} turns false. Keeps the pipe full while a window update is on its way.</li>
 *   <li>{@code keepAliveInterval} 30 s: a ping is sent this often; a ping unanswered by the next one closes the
 *       connection. {@link Duration#ZERO} turns keep-alive off.</li>
 * </ul>
 */
public final class YamuxConfig {

    /** The window every stream starts with, in each direction (spec "Flow Control"). */
    public static final int INITIAL_WINDOW = 256 * 1024;
    /** The largest receive window that can be configured. */
    public static final int MAX_WINDOW = 1 << 30;

    private static final YamuxConfig DEFAULTS =
            new YamuxConfig(16 << 20, 64 << 20, 1000, 1000, 64 * 1024, Duration.ofSeconds(30));

    private final int maxReceiveWindow;
    private final int maxConnectionReceiveWindow;
    private final int maxInboundStreams;
    private final int maxOutboundStreams;
    private final int maxQueuedWriteBytes;
    private final Duration keepAliveInterval;

    private YamuxConfig(int maxReceiveWindow, int maxConnectionReceiveWindow, int maxInboundStreams,
                        int maxOutboundStreams, int maxQueuedWriteBytes, Duration keepAliveInterval) {
        this.maxReceiveWindow = maxReceiveWindow;
        this.maxConnectionReceiveWindow = maxConnectionReceiveWindow;
        this.maxInboundStreams = maxInboundStreams;
        this.maxOutboundStreams = maxOutboundStreams;
        this.maxQueuedWriteBytes = maxQueuedWriteBytes;
        this.keepAliveInterval = keepAliveInterval;
    }

    /** The documented defaults. */
    public static YamuxConfig defaults() {
        return DEFAULTS;
    }

    /** @param bytes from {@link #INITIAL_WINDOW} (no window growth) to {@link #MAX_WINDOW} */
    public YamuxConfig withMaxReceiveWindow(int bytes) {
        if (bytes < INITIAL_WINDOW || bytes > MAX_WINDOW) {
            throw new IllegalArgumentException("maxReceiveWindow must be in [" + INITIAL_WINDOW + ", " + MAX_WINDOW
                    + "]: " + bytes);
        }
        return new YamuxConfig(bytes, maxConnectionReceiveWindow, maxInboundStreams, maxOutboundStreams,
                maxQueuedWriteBytes, keepAliveInterval);
    }

    /** @param bytes at least {@link #INITIAL_WINDOW}; at most that per stream when no window may grow */
    public YamuxConfig withMaxConnectionReceiveWindow(int bytes) {
        if (bytes < INITIAL_WINDOW) {
            throw new IllegalArgumentException("maxConnectionReceiveWindow must be at least " + INITIAL_WINDOW + ": "
                    + bytes);
        }
        return new YamuxConfig(maxReceiveWindow, bytes, maxInboundStreams, maxOutboundStreams, maxQueuedWriteBytes,
                keepAliveInterval);
    }

    /** @param streams at least 0 */
    public YamuxConfig withMaxInboundStreams(int streams) {
        return new YamuxConfig(maxReceiveWindow, maxConnectionReceiveWindow, nonNegative("maxInboundStreams", streams),
                maxOutboundStreams, maxQueuedWriteBytes, keepAliveInterval);
    }

    /** @param streams at least 0 */
    public YamuxConfig withMaxOutboundStreams(int streams) {
        return new YamuxConfig(maxReceiveWindow, maxConnectionReceiveWindow, maxInboundStreams,
                nonNegative("maxOutboundStreams", streams), maxQueuedWriteBytes, keepAliveInterval);
    }

    /** @param bytes at least 0; 0 makes a stream writable only while it has send window */
    public YamuxConfig withMaxQueuedWriteBytes(int bytes) {
        return new YamuxConfig(maxReceiveWindow, maxConnectionReceiveWindow, maxInboundStreams, maxOutboundStreams,
                nonNegative("maxQueuedWriteBytes", bytes), keepAliveInterval);
    }

    /** @param interval positive, or {@link Duration#ZERO} to turn keep-alive off */
    public YamuxConfig withKeepAliveInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("keepAliveInterval must not be negative: " + interval);
        }
        return new YamuxConfig(maxReceiveWindow, maxConnectionReceiveWindow, maxInboundStreams, maxOutboundStreams,
                maxQueuedWriteBytes, interval);
    }

    public int maxReceiveWindow() {
        return maxReceiveWindow;
    }

    public int maxConnectionReceiveWindow() {
        return maxConnectionReceiveWindow;
    }

    public int maxInboundStreams() {
        return maxInboundStreams;
    }

    public int maxOutboundStreams() {
        return maxOutboundStreams;
    }

    public int maxQueuedWriteBytes() {
        return maxQueuedWriteBytes;
    }

    public Duration keepAliveInterval() {
        return keepAliveInterval;
    }

    private static int nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "YamuxConfig[maxReceiveWindow=" + maxReceiveWindow + ", maxConnectionReceiveWindow="
                + maxConnectionReceiveWindow + ", maxInboundStreams=" + maxInboundStreams
                + ", maxOutboundStreams=" + maxOutboundStreams + ", maxQueuedWriteBytes=" + maxQueuedWriteBytes
                + ", keepAliveInterval=" + keepAliveInterval + "]";
    }
}
