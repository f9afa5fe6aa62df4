package io.peerflux.protocol.perf;

import io.peerflux.ProtocolViolationException;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Notices an exchange in which nothing moves: the exchange reports each chunk through {@link #moved()}, and one
 * timer per exchange checks once a period that something did. That keeps timers off the per-chunk path.
 */
final class Watchdog {

    /** Written by the stream's event loop only; read by the timer. Only changes matter, so a plain ++ suffices. */
    private volatile long moves;

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void moved() {
        moves++;
    }

    /**
     * Never emits; fails with {@link ProtocolViolationException} once a whole {@code period} passed without
     * {@link #moved()}, i.e. between one and two periods after the last movement.
     */
    <T> Mono<T> stalled(Duration period) {
        return Mono.defer(() -> {
            long[] seen = {-1};
            return Flux.interval(period)
                    .filter(tick -> {
                        long now = moves;
                        boolean idle = now == seen[0];
                        seen[0] = now;
                        return idle;
                    })
                    .next()
                    .flatMap(tick -> Mono.error(ProtocolViolationException.stream(Perf.PROTOCOL_ID,
                            "nothing sent or received for " + period.toMillis() + " ms: the peer stalled")));
        });
    }
}
