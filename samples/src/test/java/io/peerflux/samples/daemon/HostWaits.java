package io.peerflux.samples.daemon;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Waiting, in tests, for what other threads make true. */
final class HostWaits {

    private HostWaits() {
    }

    /** Waits up to ten seconds for {@code condition}. */
    static void eventually(BooleanSupplier condition) {
        StepVerifier.create(Mono.fromCallable(condition::getAsBoolean)
                        .filter(Boolean::booleanValue)
                        .repeatWhenEmpty(100, r -> r.delayElements(Duration.ofMillis(100))))
                .expectNext(true)
                .verifyComplete();
    }
}
