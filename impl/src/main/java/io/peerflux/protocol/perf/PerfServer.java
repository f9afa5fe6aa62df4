package io.peerflux.protocol.perf;

import io.netty.buffer.ByteBuf;
import io.peerflux.LimitExceededException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.Stream;
import io.peerflux.StreamHandler;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The perf responder (spec "Protocol", server steps 1–3): the download size, then the upload drained to its end,
 * then the download. The host half-closes the stream when the returned publisher completes (step 5), and resets it
 * when it fails.
 */
final class PerfServer implements StreamHandler {

    private final PerfConfig config;

    PerfServer(PerfConfig config) {
        this.config = config;
    }

    @Override
    public Publisher<Void> handle(Stream stream) {
        return Mono.defer(() -> {
            Watchdog watchdog = new Watchdog();
            SizeHeader header = new SizeHeader();
            Mono<Void> served = stream.receive()
                    .doOnNext(buf -> {
                        watchdog.moved();
                        if (!header.complete() && header.take(buf) && Long.compareUnsigned(header.value(),
                                config.maxDownloadBytes()) > 0) {
                            // A request beyond 2^63-1 is reported as 2^63-1.
                            long requested = header.value() < 0 ? Long.MAX_VALUE : header.value();
                            throw LimitExceededException.of("perf download bytes", 0, requested,
                                    config.maxDownloadBytes());
                        }
                    })
                    .then(Mono.defer(() -> {
                        if (!header.complete()) {
                            return Mono.error(ProtocolViolationException.stream(Perf.PROTOCOL_ID, "the client closed "
                                    + "its write side after " + header.read() + " of the 8 size bytes"));
                        }
                        return stream.send(Payload.chunks(header.value(), size -> watchdog.moved()));
                    }));
            return Mono.firstWithSignal(served, watchdog.stalled(config.idleTimeout()));
        });
    }

    /** The 8-byte big-endian download size, read from the front of the first buffers without moving their index. */
    static final class SizeHeader {
        static final int LENGTH = Long.BYTES;

        private long value;
        private int read;

        /** Takes what it still needs from the front of {@code buf}; returns whether the size is now complete. */
        boolean take(ByteBuf buf) {
            int n = Math.min(LENGTH - read, buf.readableBytes());
            for (int i = 0; i < n; i++) {
                value = value << 8 | buf.getUnsignedByte(buf.readerIndex() + i);
            }
            read += n;
            return complete();
        }

        boolean complete() {
            return read == LENGTH;
        }

        int read() {
            return read;
        }

        /** The size as an unsigned 64-bit value. */
        long value() {
            return value;
        }
    }
}
