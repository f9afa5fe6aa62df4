package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A deadline loses no late error to {@code onErrorDropped} (which logs it at ERROR), in virtual time. */
class DeadlineTest {

    final List<Throwable> dropped = new CopyOnWriteArrayList<>();

    @AfterEach
    void resetHooks() {
        Hooks.resetOnErrorDropped();
    }

    /** A source that, like a handshake racing its own timer, fails after it was cancelled. */
    static final class LateSource extends Mono<String> {
        final AtomicReference<Subscriber<? super String>> subscriber = new AtomicReference<>();

        @Override
        public void subscribe(reactor.core.CoreSubscriber<? super String> actual) {
            subscriber.set(actual);
            actual.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                    // Too late: the failure is already on its way.
                }
            });
        }

        void fail() {
            subscriber.get().onError(new IllegalStateException("the source's own timeout"));
        }
    }

    @Test
    void anErrorThatLosesTheRaceIsIgnored() {
        Hooks.onErrorDropped(dropped::add);
        LateSource source = new LateSource();
        StepVerifier.withVirtualTime(() -> Deadline.within(source, Duration.ofSeconds(10),
                        () -> new TimeoutException("deadline")))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(10))
                .expectErrorMessage("deadline")
                .verify(Duration.ofSeconds(5));
        source.fail();
        assertThat(dropped).isEmpty();
    }

    @Test
    void reactorsTimeoutDropsIt() {
        Hooks.onErrorDropped(dropped::add);
        LateSource source = new LateSource();
        StepVerifier.withVirtualTime(() -> source.timeout(Duration.ofSeconds(10),
                        Mono.error(new TimeoutException("deadline"))))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(10))
                .expectErrorMessage("deadline")
                .verify(Duration.ofSeconds(5));
        source.fail();
        assertThat(dropped).hasSize(1);
    }

    @Test
    void theSourceWinsBeforeTheDeadline() {
        StepVerifier.withVirtualTime(() -> Deadline.within(Mono.delay(Duration.ofSeconds(9)).thenReturn("done"),
                        Duration.ofSeconds(10), () -> new TimeoutException("deadline")))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(9))
                .expectNext("done")
                .verifyComplete();
    }
}
