package io.peerflux.protocol.perf;

import io.peerflux.Connection;
import io.peerflux.StreamHandler;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * {@code /perf/1.0.0} (libp2p/specs perf/perf.md): a client-driven throughput benchmark. The client asks for a
 * download size, uploads, and half-closes; the server drains the upload, then sends the requested bytes and closes.
 *
 * <p>Both sides send slices of one shared, read-only 64 KiB buffer, pulled by the stream only as fast as flow
 * control allows, and count what they receive without copying it.
 */
public final class Perf {

    public static final String PROTOCOL_ID = "/perf/1.0.0";

    private Perf() {
    }

    /** Serves perf with {@link PerfConfig#defaults()}. Never registered by default: it lets clients ask for work. */
    public static StreamHandler handler() {
        return handler(PerfConfig.defaults());
    }

    /**
     * Serves perf: reads the 8-byte download size, drains the upload until the client half-closes, then sends that
     * many bytes; the host half-closes the stream when they are handed over. The stream is reset, and the handler
     * fails with
     * <ul>
     *   <li>{@link io.peerflux.ProtocolViolationException} when the client closes before the 8-byte size, or when
     *       nothing moves for {@link PerfConfig#idleTimeout()};</li>
     *   <li>{@link io.peerflux.LimitExceededException} (before sending anything) when the size exceeds
     *       {@link PerfConfig#maxDownloadBytes()}.</li>
     * </ul>
     */
    public static StreamHandler handler(PerfConfig config) {
        return new PerfServer(Objects.requireNonNull(config));
    }

    /** {@link #run(Connection, long, long, PerfConfig, Progress)} with the defaults and no progress reports. */
    public static Mono<PerfResult> run(Connection connection, long uploadBytes, long downloadBytes) {
        return run(connection, uploadBytes, downloadBytes, PerfConfig.defaults(), (up, down) -> { });
    }

    /**
     * Runs one perf exchange on a new stream: sends {@code uploadBytes}, then reads exactly {@code downloadBytes}
     * until the server closes. See {@link PerfResult} for what the times cover. Fails with
     * {@link io.peerflux.ProtocolViolationException} when the server sends more or fewer bytes than requested or
     * nothing moves for {@link PerfConfig#idleTimeout()}, {@link io.peerflux.StreamResetException} when the server
     * resets (e.g. because the request exceeds its limit), and as {@link Connection#newStream} fails. The stream is
     * reset on failure and on cancellation.
     *
     * @param uploadBytes   at least 0
     * @param downloadBytes at least 0
     * @param progress      told the running totals after every chunk sent or received
     */
    public static Mono<PerfResult> run(Connection connection, long uploadBytes, long downloadBytes,
                                       PerfConfig config, Progress progress) {
        if (uploadBytes < 0 || downloadBytes < 0) {
            return Mono.error(new IllegalArgumentException("byte counts must not be negative: upload "
                    + uploadBytes + ", download " + downloadBytes));
        }
        Objects.requireNonNull(config);
        Objects.requireNonNull(progress);
        return connection.newStream(PROTOCOL_ID)
                .flatMap(stream -> new PerfClient(stream, uploadBytes, downloadBytes, progress)
                        .exchange(config.idleTimeout()));
    }

    /**
     * Running totals of an exchange, for progress displays. Called on the stream's event loop after every chunk
     * (up to 64 KiB) sent or received, so it must be quick and must not block.
     */
    @FunctionalInterface
    public interface Progress {

        /**
         * @param uploadedBytes   bytes handed to the stream so far (not yet necessarily delivered)
         * @param downloadedBytes bytes received so far
         */
        void update(long uploadedBytes, long downloadedBytes);
    }
}
