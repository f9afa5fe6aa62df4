package io.peerflux.kad;

import io.peerflux.peer.PeerId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adaptive request timeouts: each peer's round trip is smoothed as TCP smooths its RTT (RFC 6298: SRTT and RTTVAR
 * with gains 1/8 and 1/4) and a request to it is given up on after {@code SRTT + 4 RTTVAR}, within
 * {@code [min, max]}. A peer never measured gets the same figure over every peer's samples, which tracks how far
 * the network's round trips spread. A lookup that waits this long instead of a fixed ten seconds moves on from a dead
 * peer in a few round trips; the request itself stays open until the hard timeout, so a slow answer still counts.
 *
 * <p>At most {@code maxPeers} peers are remembered, the least recently measured forgotten first.
 */
public final class RoundTrips {

    private static final class Estimate {
        long srtt;
        long rttvar;

        Estimate(long sample) {
            srtt = sample;
            rttvar = sample / 2;
        }

        void add(long sample) {
            rttvar += (Math.abs(srtt - sample) - rttvar) / 4;
            srtt += (sample - srtt) / 8;
        }

        long timeout() {
            return srtt + 4 * rttvar;
        }
    }

    private final long initial;
    private final long min;
    private final long max;
    private Estimate network;
    private final Map<PeerId, Estimate> peers;

    /**
     * @param initial the timeout before any round trip was measured
     * @param min the shortest timeout ever given (a floor against a lucky streak of fast answers)
     * @param max the longest timeout ever given
     */
    public RoundTrips(int maxPeers, long initial, long min, long max) {
        this.initial = initial;
        this.min = min;
        this.max = max;
        this.peers = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, Estimate> eldest) {
                return size() > maxPeers;
            }
        };
    }

    /** Records that a request to {@code peer} was answered after {@code rtt}. */
    public void sample(PeerId peer, long rtt) {
        Estimate e = peers.remove(peer);
        if (e == null) {
            e = new Estimate(rtt);
        } else {
            e.add(rtt);
        }
        peers.put(peer, e); // last in order: the least recently measured go first
        if (network == null) {
            network = new Estimate(rtt);
        } else {
            network.add(rtt);
        }
    }

    /** How long to wait for {@code peer}'s answer before the lookup moves on without it. */
    public long timeout(PeerId peer) {
        Estimate e = peers.get(peer);
        if (e == null) {
            e = network;
        }
        long t = e == null ? initial : e.timeout();
        return Math.max(min, Math.min(max, t));
    }
}
