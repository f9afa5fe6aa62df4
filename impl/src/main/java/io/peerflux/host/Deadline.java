package io.peerflux.host;

import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A timeout that loses no error. Reactor's {@code timeout} passes an error its source signals just after the timeout
 * fired to {@code Hooks.onErrorDropped}, whose default logs it at ERROR with a stack trace: with two timers of one
 * length on two threads (a secure channel's on the event loop, the host's on a Reactor scheduler), about one stalled
 * handshake in 300 did. Here whichever signals first wins and the other's later signal is ignored.
 */
final class Deadline {

    private Deadline() {
    }

    /** {@code source}, or {@code error} once {@code timeout} passes first (then {@code source} is cancelled). */
    static <T> Mono<T> within(Mono<T> source, Duration timeout, Supplier<? extends Throwable> error) {
        return Mono.firstWithSignal(source, Mono.delay(timeout).then(Mono.error(error)));
    }
}
