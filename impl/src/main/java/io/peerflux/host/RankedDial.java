package io.peerflux.host;

import io.peerflux.Connection;
import io.peerflux.DialException;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Runs one {@link DialPlan} for one peer: each address is dialed when its delay has passed, or at once when no other
 * dial is in flight (its predecessors failed); at most {@value #MAX_IN_FLIGHT} at a time. The first connection wins;
 * the dials still in flight are cancelled, and a connection that completes anyway is closed. When every dial failed,
 * the result is {@link DialException#allFailed} listing each failure. Cancelling the result cancels every dial. Timers
 * run on {@code scheduler}; the state is guarded by this object's lock, and no callback runs under it.
 */
final class RankedDial {

    static final int MAX_IN_FLIGHT = 8;

    private static final Logger log = LoggerFactory.getLogger(RankedDial.class);

    private final PeerId peer;
    private final List<DialPlan.Planned> plan;
    private final Function<Multiaddr, Mono<Connection>> dialOne;
    private final Scheduler scheduler;
    private final Sinks.One<Connection> result = Sinks.one();
    private final List<Throwable> failures;
    /** Dials under way; an entry's value is {@code null} until its subscription is known. */
    private final Map<Multiaddr, Disposable> inFlight = new HashMap<>();
    private int next;
    private long startedAt;
    private Disposable timer;
    private Connection winner;
    /** Connections closed for losing, so that each is closed once; at most one per dial of the plan. */
    private final List<Connection> closed = new ArrayList<>();
    private boolean done;

    /** @param skipped failures to report along with the dials' own, for addresses left out of {@code plan} */
    RankedDial(PeerId peer, List<DialPlan.Planned> plan, List<Throwable> skipped,
               Function<Multiaddr, Mono<Connection>> dialOne, Scheduler scheduler) {
        this.peer = peer;
        this.plan = plan;
        this.failures = new ArrayList<>(skipped);
        this.dialOne = dialOne;
        this.scheduler = scheduler;
    }

    /** Starts the plan on subscription; one subscriber. */
    Mono<Connection> run() {
        return Mono.defer(() -> {
            synchronized (this) {
                startedAt = scheduler.now(TimeUnit.NANOSECONDS);
            }
            pump();
            return result.asMono();
        }).doOnCancel(this::cancel);
    }

    /** Starts every dial that is due, or the next one when none is in flight; sets the timer for the one after. */
    private void pump() {
        List<Multiaddr> starting = new ArrayList<>();
        boolean allFailed = false;
        synchronized (this) {
            if (done) {
                return;
            }
            long now = scheduler.now(TimeUnit.NANOSECONDS);
            while (next < plan.size() && inFlight.size() < MAX_IN_FLIGHT) {
                DialPlan.Planned due = plan.get(next);
                long at = startedAt + due.delay().toNanos();
                if (at > now && !inFlight.isEmpty()) {
                    if (timer == null) {
                        timer = scheduler.schedule(this::onTimer, at - now, TimeUnit.NANOSECONDS);
                    }
                    break;
                }
                next++;
                inFlight.put(due.address(), null);
                starting.add(due.address());
            }
            if (inFlight.isEmpty() && next == plan.size()) {
                done = true;
                allFailed = true;
            }
        }
        if (allFailed) {
            result.tryEmitError(DialException.allFailed(peer, failures));
            return;
        }
        for (Multiaddr address : starting) {
            Disposable dial = dialOne.apply(address)
                    .doOnNext(this::closeIfLost)
                    .subscribe(c -> succeeded(address, c), e -> failed(address, e));
            boolean keep;
            synchronized (this) {
                keep = !done && inFlight.containsKey(address);
                if (keep) {
                    inFlight.put(address, dial);
                }
            }
            if (!keep) {
                dial.dispose();
            }
        }
    }

    private void onTimer() {
        synchronized (this) {
            timer = null;
        }
        pump();
    }

    private void succeeded(Multiaddr address, Connection connection) {
        List<Disposable> losers;
        synchronized (this) {
            inFlight.remove(address);
            if (done) {
                losers = null;
            } else {
                done = true;
                winner = connection;
                losers = stopAll();
            }
        }
        if (losers == null) {
            closeIfLost(connection);
            return;
        }
        losers.forEach(Disposable::dispose);
        result.tryEmitValue(connection);
    }

    private void failed(Multiaddr address, Throwable error) {
        synchronized (this) {
            inFlight.remove(address);
            if (done) {
                return;
            }
            failures.add(error);
        }
        pump();
    }

    /** A connection that completes after another won, or after the dial was cancelled, is closed. */
    private void closeIfLost(Connection connection) {
        boolean lost;
        synchronized (this) {
            lost = done && connection != winner && closed.stream().noneMatch(c -> c == connection);
            if (lost) {
                closed.add(connection);
            }
        }
        if (lost) {
            log.debug("closing {}: another dial to {} won", connection, peer);
            connection.close().subscribe(null, e -> log.debug("closing {} failed: {}", connection, e.toString()));
        }
    }

    private void cancel() {
        List<Disposable> dials;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            dials = stopAll();
        }
        dials.forEach(Disposable::dispose);
    }

    /** Under the lock: the dials and timer to dispose of, outside it. */
    private List<Disposable> stopAll() {
        List<Disposable> stopping = new ArrayList<>();
        inFlight.values().forEach(d -> {
            if (d != null) {
                stopping.add(d);
            }
        });
        inFlight.clear();
        if (timer != null) {
            stopping.add(timer);
            timer = null;
        }
        return stopping;
    }
}
