package io.peerflux.kad;

import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * One iterative lookup toward a target (kad-dht spec, "Peer routing"): at most {@code alpha} requests in flight, always
 * to the closest peers not yet asked, ending when the {@code k} closest peers seen that have not failed have all
 * answered, or when no peer is left to ask.
 *
 * <p>A request that outlives its adaptive timeout (the {@code timeout} given per peer) is <em>late</em>: it no longer
 * holds a slot or blocks termination, but its answer still counts if it comes. Only the caller's failure report (the hard timeout, a
 * reset, a dial error) makes a peer failed.
 *
 * <p>At most {@link #MAX_CANDIDATES} peers are remembered; beyond that the farthest peers not yet asked are dropped.
 * A state machine: one thread, no I/O, time as an argument.
 */
public final class Lookup {

    /** The most peers one lookup keeps track of. */
    public static final int MAX_CANDIDATES = 512;

    /** Where a peer stands in this lookup. */
    public enum State { HEARD, WAITING, LATE, SUCCEEDED, FAILED }

    private static final class Candidate {
        final PeerInfo info;
        final KadId id;
        State state = State.HEARD;
        long deadline;

        Candidate(PeerInfo info, KadId id) {
            this.info = info;
            this.id = id;
        }
    }

    private final KadId target;
    private final PeerId self;
    private final int k;
    private final int alpha;
    private final ToLongFunction<PeerId> timeout;
    private final TreeSet<Candidate> byDistance;
    private final Map<PeerId, Candidate> byPeer = new HashMap<>();
    /** The candidates {@link State#WAITING}, at most {@code alpha}: deadlines are checked here, not in the tree. */
    private final List<Candidate> waiting = new ArrayList<>();
    /** The earliest deadline in {@link #waiting}: the node asks for it after every input. */
    private long earliest = Long.MAX_VALUE;
    private boolean stopped;

    /**
     * @param self our own id, never added as a candidate
     * @param timeout how long to wait for a peer's answer before moving on without it
     * @param seeds the first peers to ask (the routing table's closest)
     */
    public Lookup(KadId target, PeerId self, int k, int alpha, ToLongFunction<PeerId> timeout, List<PeerInfo> seeds) {
        this.target = target;
        this.self = self;
        this.k = k;
        this.alpha = alpha;
        this.timeout = timeout;
        Comparator<Candidate> closer = (a, b) -> target.compareDistance(a.id, b.id);
        this.byDistance = new TreeSet<>(closer.thenComparing(c -> c.info.peerId()));
        seeds.forEach(this::hear);
    }

    public KadId target() {
        return target;
    }

    /**
     * The peers to ask now, each marked as asked with a deadline of {@code now} plus its adaptive timeout. Empty when
     * the lookup is finished or has {@code alpha} requests in flight.
     */
    public List<PeerInfo> next(long now) {
        expire(now);
        List<PeerInfo> ask = new ArrayList<>();
        if (stopped) {
            return ask;
        }
        int counted = 0;
        for (Candidate c : byDistance) {
            if (waiting.size() >= alpha || counted >= k) {
                break;
            }
            if (c.state == State.FAILED || c.state == State.LATE) {
                continue;
            }
            counted++;
            if (c.state == State.HEARD) {
                c.state = State.WAITING;
                c.deadline = now + timeout.applyAsLong(c.info.peerId());
                waiting.add(c);
                earliest = Math.min(earliest, c.deadline);
                ask.add(c.info);
            }
        }
        return ask;
    }

    /** {@code from} answered with {@code closer} peers (already capped by the codec). */
    public void succeeded(PeerId from, List<PeerInfo> closer) {
        Candidate c = byPeer.get(from);
        if (c == null || (c.state != State.WAITING && c.state != State.LATE)) {
            return;
        }
        if (c.state == State.WAITING) {
            stopWaiting(c);
        }
        c.state = State.SUCCEEDED;
        if (!stopped) {
            closer.forEach(this::hear);
        }
    }

    /** The request to {@code from} failed (hard timeout, reset, dial failure, bad answer). */
    public void failed(PeerId from) {
        Candidate c = byPeer.get(from);
        if (c == null || (c.state != State.WAITING && c.state != State.LATE)) {
            return;
        }
        if (c.state == State.WAITING) {
            stopWaiting(c);
        }
        c.state = State.FAILED;
    }

    /** Ends the lookup early (a result was found, or the caller lost interest). */
    public void stop() {
        stopped = true;
    }

    /**
     * Whether the lookup is over: stopped, or the {@code k} closest peers that have not failed or gone late have all
     * answered, or nobody is left to ask or wait for.
     */
    public boolean finished(long now) {
        expire(now);
        if (stopped) {
            return true;
        }
        int counted = 0;
        boolean pending = false;
        for (Candidate c : byDistance) {
            if (counted >= k) {
                break;
            }
            if (c.state == State.FAILED || c.state == State.LATE) {
                continue;
            }
            counted++;
            if (c.state != State.SUCCEEDED) {
                pending = true;
                break;
            }
        }
        return !pending;
    }

    /** The earliest deadline of a request in flight, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return earliest;
    }

    /** The peers in flight or late: the requests to cancel once the lookup is over. */
    public List<PeerId> outstanding() {
        List<PeerId> out = new ArrayList<>();
        for (Candidate c : byDistance) {
            if (c.state == State.WAITING || c.state == State.LATE) {
                out.add(c.info.peerId());
            }
        }
        return out;
    }

    /** Up to {@code count} peers that answered, closest to the target first. */
    public List<PeerInfo> closestSucceeded(int count) {
        List<PeerInfo> out = new ArrayList<>(count);
        for (Candidate c : byDistance) {
            if (out.size() == count) {
                break;
            }
            if (c.state == State.SUCCEEDED) {
                out.add(c.info);
            }
        }
        return out;
    }

    /** Where {@code peer} stands, or {@code null} when the lookup never heard of it. */
    public State state(PeerId peer) {
        Candidate c = byPeer.get(peer);
        return c == null ? null : c.state;
    }

    /** The number of peers asked so far. */
    public int asked() {
        int n = 0;
        for (Candidate c : byDistance) {
            if (c.state != State.HEARD) {
                n++;
            }
        }
        return n;
    }

    private void hear(PeerInfo info) {
        if (info.peerId().equals(self) || byPeer.containsKey(info.peerId())) {
            return;
        }
        Candidate c = new Candidate(info, KadId.of(info.peerId().bytes()));
        byDistance.add(c);
        byPeer.put(info.peerId(), c);
        if (byDistance.size() > MAX_CANDIDATES) {
            dropFarthestHeard();
        }
    }

    private void dropFarthestHeard() {
        for (Candidate c : byDistance.descendingSet()) {
            if (c.state == State.HEARD) {
                byDistance.remove(c);
                byPeer.remove(c.info.peerId());
                return;
            }
        }
    }

    private void expire(long now) {
        if (earliest > now) {
            return;
        }
        waiting.removeIf(c -> {
            if (c.deadline > now) {
                return false;
            }
            c.state = State.LATE;
            return true;
        });
        recomputeEarliest();
    }

    private void stopWaiting(Candidate c) {
        waiting.remove(c);
        if (c.deadline == earliest) {
            recomputeEarliest();
        }
    }

    private void recomputeEarliest() {
        earliest = Long.MAX_VALUE;
        for (Candidate c : waiting) {
            earliest = Math.min(earliest, c.deadline);
        }
    }
}
