package io.peerflux.host;

import io.peerflux.ConnectionManager;
import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps a host's connection count between the watermarks of its {@link ConnectionManagerConfig}: above the high one,
 * closes connections down to the low one, peers of the lowest tag value first (see the config for the rules). Runs on
 * {@code scheduler}, at most one trim at a time and one per trim interval, plus a check every interval; the grace
 * period is measured on the scheduler's clock, so virtual time drives it in tests.
 */
final class ConnectionTrimmer {

    /** A connection as the choice sees it. */
    record Candidate<C>(C connection, PeerId peer, long openedAt, int streams) {
    }

    private final ConnectionManagerConfig config;
    private final ConnectionManager tags;
    private final Supplier<List<HostConnection>> connections;
    private final Scheduler scheduler;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean trimming = new AtomicBoolean();
    private volatile long lastTrim = Long.MIN_VALUE;
    private Disposable checks;

    ConnectionTrimmer(ConnectionManagerConfig config, ConnectionManager tags,
                      Supplier<List<HostConnection>> connections, Scheduler scheduler) {
        this.config = config;
        this.tags = tags;
        this.connections = connections;
        this.scheduler = scheduler;
    }

    /** The trimmer's clock, in nanoseconds. */
    long now() {
        return scheduler.now(TimeUnit.NANOSECONDS);
    }

    void start() {
        checks = Flux.interval(config.trimInterval(), config.trimInterval(), scheduler)
                .subscribe(tick -> trimIfOver());
    }

    /**
     * Stops the checks. Cancelling a periodic task takes its executor's queue lock, which parks when contended, so it
     * happens on a thread that may block: {@code stop} may be called on an event loop.
     */
    void stop() {
        Disposable running = checks;
        if (running != null) {
            Schedulers.boundedElastic().schedule(running::dispose);
        }
    }

    /** A connection was added: trims soon if that took the count over the high watermark. */
    void opened() {
        if (open.incrementAndGet() > config.highWater()
                && now() - lastTrim >= config.trimInterval().toNanos()) {
            scheduler.schedule(this::trimIfOver);
        }
    }

    void closed() {
        open.decrementAndGet();
    }

    private void trimIfOver() {
        if (open.get() <= config.highWater() || !trimming.compareAndSet(false, true)) {
            return;
        }
        try {
            lastTrim = now();
            List<Candidate<HostConnection>> candidates = new ArrayList<>();
            for (HostConnection c : connections.get()) {
                if (!c.isClosing()) {
                    candidates.add(new Candidate<>(c, c.remotePeer(), c.openedAt(), c.streamCount()));
                }
            }
            if (candidates.size() <= config.highWater()) {
                return;
            }
            for (HostConnection c : choose(candidates, candidates.size() - config.lowWater(), lastTrim)) {
                c.closeFor("trimmed: " + candidates.size() + " connections, high watermark "
                        + config.highWater() + ", peer value " + tags.value(c.remotePeer()));
            }
        } finally {
            trimming.set(false);
        }
    }

    /**
     * The connections to close to be rid of {@code excess}: never those of protected peers or younger than the grace
     * period; whole peers, lowest tag value first, then fewest open streams. Fewer when too few may go.
     */
    <C> List<C> choose(List<Candidate<C>> candidates, int excess, long now) {
        long grace = config.gracePeriod().toNanos();
        Map<PeerId, List<Candidate<C>>> byPeer = new LinkedHashMap<>();
        for (Candidate<C> c : candidates) {
            if (now - c.openedAt() >= grace && !tags.isProtected(c.peer(), null)) {
                byPeer.computeIfAbsent(c.peer(), p -> new ArrayList<>()).add(c);
            }
        }
        record Peer<C>(int value, int streams, List<Candidate<C>> connections) {
        }
        List<Peer<C>> peers = new ArrayList<>();
        byPeer.forEach((peer, list) -> peers.add(new Peer<>(tags.value(peer),
                list.stream().mapToInt(Candidate::streams).sum(), list)));
        peers.sort(Comparator.comparingInt((Peer<C> p) -> p.value()).thenComparingInt(Peer::streams));
        List<C> chosen = new ArrayList<>();
        for (Peer<C> peer : peers) {
            if (chosen.size() >= excess) {
                break;
            }
            peer.connections().forEach(c -> chosen.add(c.connection()));
        }
        return chosen;
    }
}
