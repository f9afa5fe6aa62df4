package io.peerflux.kad;

import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node remembers of the peers it met, in or out of its routing table: whether identify said they serve the DHT
 * (and from which network block), whether they ever answered, and their round trip. One entry per peer, so that a node
 * that met thousands of peers pays for each once; at most {@code maxPeers} are remembered, the least recently used
 * forgotten first.
 *
 * <p>Round trips give adaptive request timeouts: each peer's is smoothed as TCP smooths its RTT (RFC 6298: SRTT and
 * RTTVAR with gains 1/8 and 1/4) and a request to it is given up on after {@code SRTT + 4 RTTVAR}, within
 * {@code [min, max]}. A peer never measured gets the same figure over every peer's samples, which tracks how far the
 * network's round trips spread. A lookup that waits this long instead of a fixed ten seconds moves on from a dead peer
 * in a few round trips; the request itself stays open until the hard timeout, so a slow answer still counts.
 */
final class KnownPeers {

    private static final class Known {
        final PeerId peer;
        boolean identified;
        /** Identify said it serves the DHT: its {@link IpGroups#groupOf group}, {@code ""} when exempt; else null. */
        String serverGroup;
        boolean answered;
        /** Zero until measured. */
        long srtt;
        long rttvar;

        Known(PeerId peer) {
            this.peer = peer;
        }
    }

    private final long initial;
    private final long min;
    private final long max;
    private final LinkedHashMap<ByteKey, Known> peers;
    /** Every peer's samples together: the estimate for a peer never measured. */
    private final Known network = new Known(null);

    /**
     * @param initial the timeout before any round trip was measured
     * @param min the shortest timeout ever given (a floor against a lucky streak of fast answers)
     * @param max the longest timeout ever given
     */
    KnownPeers(int maxPeers, long initial, long min, long max) {
        this.initial = initial;
        this.min = min;
        this.max = max;
        this.peers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteKey, Known> eldest) {
                return size() > maxPeers;
            }
        };
    }

    /** Identify told us what {@code peer} serves; {@code group} is its network block, {@code null} when exempt. */
    void identified(PeerId peer, boolean servesDht, String group) {
        Known k = known(peer);
        k.identified = true;
        k.serverGroup = servesDht ? (group == null ? "" : group) : null;
    }

    /**
     * The peer identify told us about whose id has these bytes, or {@code null}: found by the bytes, because parsing
     * a key into a peer id decodes its public key, which costs more than answering the request.
     */
    PeerId identifiedPeer(byte[] id) {
        Known k = peers.get(new ByteKey(id));
        return k != null && k.identified ? k.peer : null;
    }

    /** Whether identify said {@code peer} serves the DHT. */
    boolean isServer(PeerId peer) {
        Known k = peers.get(key(peer));
        return k != null && k.serverGroup != null;
    }

    /** A server's network block ({@code null} when exempt); only asked of {@linkplain #isServer servers}. */
    String serverGroup(PeerId peer) {
        String group = peers.get(key(peer)).serverGroup;
        return group.isEmpty() ? null : group;
    }

    /** The peers identify said serve the DHT, most recently used last. */
    List<PeerId> servers() {
        List<PeerId> out = new ArrayList<>();
        for (Known k : peers.values()) {
            if (k.serverGroup != null) {
                out.add(k.peer);
            }
        }
        return out;
    }

    boolean answered(PeerId peer) {
        Known k = peers.get(key(peer));
        return k != null && k.answered;
    }

    /** {@code peer} answered a request after {@code rtt}. */
    void answered(PeerId peer, long rtt) {
        Known k = known(peer);
        k.answered = true;
        smooth(k, rtt);
        smooth(network, rtt);
    }

    private static void smooth(Known k, long rtt) {
        if (k.srtt == 0) {
            k.srtt = Math.max(1, rtt);
            k.rttvar = rtt / 2;
        } else {
            k.rttvar += (Math.abs(k.srtt - rtt) - k.rttvar) / 4;
            k.srtt += (rtt - k.srtt) / 8;
        }
    }

    /** How long to wait for {@code peer}'s answer before a lookup moves on without it. */
    long timeout(PeerId peer) {
        Known k = peers.get(key(peer));
        if (k == null || k.srtt == 0) {
            k = network;
        }
        long t = k.srtt == 0 ? initial : k.srtt + 4 * k.rttvar;
        return Math.max(min, Math.min(max, t));
    }

    private Known known(PeerId peer) {
        return peers.computeIfAbsent(key(peer), k -> new Known(peer));
    }

    private static ByteKey key(PeerId peer) {
        return new ByteKey(peer.bytes());
    }
}
