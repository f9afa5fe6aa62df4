package io.peerflux.host;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerflux.Connection;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs the {@link UpgradeStep}s of a host at each stage of a connection. With no steps every stage completes at
 * once and costs nothing. A stage on a connection runs on its event loop: a step that answers at once is followed
 * synchronously, as if it were not there; one that answers later gets the connection's inbound bytes kept by a
 * {@link StageHold} meanwhile, and the host resumes on the event loop. Each stage's steps together get
 * {@code timeout}.
 */
final class UpgradeStages {

    private final List<UpgradeStep> steps;
    private final Duration timeout;

    UpgradeStages(List<UpgradeStep> steps, Duration timeout) {
        this.steps = List.copyOf(steps);
        this.timeout = timeout;
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Completes when every step lets the dial of {@code address} go on. */
    Mono<Void> dial(PeerId peer, Multiaddr address) {
        if (steps.isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            Mono<UpgradeStep.Dial> chain = Mono.just(new UpgradeStep.Dial(peer, address));
            for (UpgradeStep step : steps) {
                chain = chain.transform(step::dial);
            }
            return chain.switchIfEmpty(Mono.error(() -> emptied("dial"))).then();
        });
    }

    Mono<Void> raw(Channel channel, Supplier<UpgradeStep.Raw> stage) {
        return run(channel, stage, UpgradeStep::raw, true, "raw");
    }

    Mono<Void> secured(Channel channel, Supplier<UpgradeStep.Secured> stage) {
        return run(channel, stage, UpgradeStep::secured, true, "secured");
    }

    /** The muxer runs already and keeps inbound streams itself: no bytes to hold. */
    Mono<Void> upgraded(Channel channel, Connection connection) {
        return run(channel, () -> connection, UpgradeStep::upgraded, false, "upgraded");
    }

    private <T> Mono<Void> run(Channel channel, Supplier<T> stage, BiFunction<UpgradeStep, Mono<T>, Mono<T>> apply,
                               boolean hold, String name) {
        if (steps.isEmpty()) {
            return Mono.empty();
        }
        // A sink that never drops a signal: the connection may be cancelled (a dial's timeout) while a step fails.
        return Mono.defer(() -> {
            Sinks.Empty<Void> outcome = Sinks.empty();
            Run<T> run = new Run<>(channel, outcome, hold, name);
            Runnable start = () -> {
                Mono<T> chain;
                try {
                    chain = Mono.just(stage.get());
                    for (UpgradeStep step : steps) {
                        chain = chain.transform(m -> apply.apply(step, m));
                    }
                } catch (RuntimeException e) {
                    outcome.tryEmitError(e);
                    return;
                }
                run.start(chain);
            };
            if (channel.eventLoop().inEventLoop()) {
                start.run();
            } else {
                channel.eventLoop().execute(start);
            }
            return outcome.asMono().doOnCancel(run::cancel);
        });
    }

    private static IllegalStateException emptied(String stage) {
        return new IllegalStateException("an upgrade step completed the " + stage + " stage empty");
    }

    /** One stage of one connection: the steps' signals, from any thread, acted on on the event loop. */
    private final class Run<T> implements CoreSubscriber<T> {

        private final Channel channel;
        private final EventLoop loop;
        private final Sinks.Empty<Void> outcome;
        private final boolean mayHold;
        private final String name;
        private Subscription subscription;
        private volatile boolean emitted;
        private boolean done;
        private StageHold hold;
        private ScheduledFuture<?> timer;

        Run(Channel channel, Sinks.Empty<Void> outcome, boolean mayHold, String name) {
            this.channel = channel;
            this.loop = channel.eventLoop();
            this.outcome = outcome;
            this.mayHold = mayHold;
            this.name = name;
        }

        void start(Mono<T> chain) {
            chain.subscribe(this);
            if (done) {
                return;
            }
            if (mayHold && channel.isActive()) {
                hold = new StageHold();
                channel.pipeline().addLast(hold);
            }
            timer = loop.schedule(() -> finish(new TimeoutException("upgrade steps at the " + name
                    + " stage took longer than " + timeout.toMillis() + " ms"), false), timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
        }

        void cancel() {
            onLoop(() -> finish(null, true));
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(T value) {
            emitted = true;
        }

        @Override
        public void onError(Throwable error) {
            onLoop(() -> finish(error, false));
        }

        @Override
        public void onComplete() {
            onLoop(() -> finish(emitted ? null : emptied(name), false));
        }

        private void onLoop(Runnable task) {
            if (loop.inEventLoop()) {
                task.run();
            } else {
                loop.execute(task);
            }
        }

        /** Ends the stage: the next stage installs its handler as the outcome is emitted, then kept bytes go. */
        private void finish(Throwable error, boolean cancelled) {
            if (done) {
                return;
            }
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (cancelled) {
                if (subscription != null) {
                    subscription.cancel();
                }
            } else if (error == null) {
                outcome.tryEmitEmpty();
            } else {
                outcome.tryEmitError(error);
            }
            if (hold != null && channel.pipeline().context(hold) != null) {
                if (cancelled || error != null) {
                    hold.discard();
                }
                channel.pipeline().remove(hold);
            }
        }
    }
}
