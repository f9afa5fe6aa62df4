package io.peerflux.host;

import io.peerflux.Connection;
import io.peerflux.ConnectionGatedException;
import io.peerflux.DialException;
import io.peerflux.LimitExceededException;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * How a host dials a peer by id: its addresses ranked by {@link DialPlan} and raced by a {@link RankedDial}, leaving
 * out those in {@link DialBackoff} and those of a kind a {@link BlackHoleFilter} blocks (public UDP, public IPv6).
 * Every dial's outcome, by id or by address, feeds the backoff and the filters, except refusals made here (a gater,
 * a limit), which say nothing about the address.
 */
final class Dialer {

    private final Scheduler scheduler;
    private final DialBackoff backoff = new DialBackoff();
    private final BlackHoleFilter udp = new BlackHoleFilter("udp");
    private final BlackHoleFilter ipv6 = new BlackHoleFilter("ipv6");

    Dialer(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Dials {@code peer} at {@code addresses}.
     *
     * @param dialOne dials one address; its outcome is recorded here
     */
    Mono<Connection> dial(PeerId peer, List<Multiaddr> addresses, Function<Multiaddr, Mono<Connection>> dialOne) {
        return Mono.defer(() -> {
            long now = now();
            List<Throwable> skipped = new ArrayList<>();
            List<Multiaddr> candidates = new ArrayList<>();
            for (Multiaddr address : addresses) {
                Duration wait = backoff.remaining(key(address, peer), now);
                if (!wait.isZero()) {
                    skipped.add(DialException.backedOff(address, wait));
                } else {
                    candidates.add(address);
                }
            }
            List<DialPlan.Planned> plan = new ArrayList<>();
            for (DialPlan.Planned planned : DialPlan.of(candidates)) {
                BlackHoleFilter blocking = blocking(planned.address());
                if (blocking != null) {
                    skipped.add(DialException.blackHole(planned.address(), blocking.kind()));
                } else {
                    plan.add(planned);
                }
            }
            return new RankedDial(peer, plan, skipped, a -> recorded(a, peer, dialOne.apply(a)), scheduler).run();
        });
    }

    /** {@code dial} of {@code address}, its outcome recorded. */
    Mono<Connection> recorded(Multiaddr address, PeerId peer, Mono<Connection> dial) {
        return dial.doOnNext(c -> record(address, peer, null)).doOnError(e -> record(address, peer, e));
    }

    private void record(Multiaddr address, PeerId peer, Throwable failure) {
        if (failure != null && refusedHere(failure)) {
            return;
        }
        if (failure == null) {
            backoff.succeeded(key(address, peer));
        } else {
            backoff.failed(key(address, peer), now());
        }
        if (DialPlan.isPublic(address)) {
            if (DialPlan.isUdp(address)) {
                udp.record(failure == null);
            }
            if (DialPlan.isIp6(address)) {
                ipv6.record(failure == null);
            }
        }
    }

    /** The filter that keeps {@code address} from being dialed now, or {@code null}. */
    private BlackHoleFilter blocking(Multiaddr address) {
        if (!DialPlan.isPublic(address)) {
            return null;
        }
        if (DialPlan.isUdp(address) && !udp.allows()) {
            return udp;
        }
        if (DialPlan.isIp6(address) && !ipv6.allows()) {
            return ipv6;
        }
        return null;
    }

    private static boolean refusedHere(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectionGatedException || t instanceof LimitExceededException) {
                return true;
            }
        }
        return false;
    }

    private static Multiaddr key(Multiaddr address, PeerId peer) {
        Multiaddr bare = address.withoutPeerId();
        return peer == null ? bare : bare.encapsulate(Multiaddr.of("/p2p/" + peer));
    }

    private long now() {
        return scheduler.now(TimeUnit.NANOSECONDS);
    }

    DialBackoff backoff() {
        return backoff;
    }

    BlackHoleFilter udpFilter() {
        return udp;
    }
}
