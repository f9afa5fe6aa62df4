package io.peerflux.benchmarks.sim.kad;

import io.peerflux.benchmarks.sim.VirtualScheduler;
import io.peerflux.kad.KadNode;
import io.peerflux.kad.QueryEvent;
import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows one query through its {@link QueryEvent}s: when it ended, whether it found what it looked for, how many
 * requests it sent, and its hop count. A peer the query starts with has depth 1, a peer first heard of in the answer
 * of a peer of depth d has depth d + 1; the hop count is the depth of the peer whose answer ended the query (the
 * find-peer target or the provider named in it), or for a closest-peers lookup the greatest depth among the peers
 * it ended on.
 */
final class QueryRecorder implements KadNode.Listener {

    private final VirtualScheduler clock;
    private final PeerId wanted;
    private final long startedAt;
    private final Map<PeerId, Integer> depth = new HashMap<>();
    private final List<PeerId> finalPeers = new ArrayList<>();
    private int lastResponderDepth;
    private int requests;
    private int hops;
    private boolean found;
    private long finishedAt = -1;

    /** @param wanted the peer a find-peer looks for or the provider a find-providers wants; {@code null} for others */
    QueryRecorder(VirtualScheduler clock, PeerId wanted) {
        this.clock = clock;
        this.wanted = wanted;
        this.startedAt = clock.now();
    }

    @Override
    public void event(QueryEvent event) {
        if (event instanceof QueryEvent.RequestSent sent) {
            requests++;
            depth.putIfAbsent(sent.peer(), 1);
        } else if (event instanceof QueryEvent.PeerResponse response) {
            int d = depth.getOrDefault(response.peer(), 1);
            lastResponderDepth = d;
            response.closerPeers().forEach(p -> depth.putIfAbsent(p.peerId(), d + 1));
        } else if (event instanceof QueryEvent.FinalPeer last) {
            PeerId peer = last.peer().peerId();
            finalPeers.add(peer);
            if (wanted == null) {
                hops = Math.max(hops, depth.getOrDefault(peer, 1));
            } else if (peer.equals(wanted) && !found) {
                found = true;
                hops = lastResponderDepth;
            }
        } else if (event instanceof QueryEvent.ProviderFound provider) {
            if (provider.provider().peerId().equals(wanted) && !found) {
                found = true;
                hops = provider.from() == null ? 0 : depth.getOrDefault(provider.from(), 1);
            }
        } else if (event instanceof QueryEvent.Finished finished) {
            finishedAt = clock.now();
            if (wanted == null && finished.outcome() == QueryEvent.Outcome.COMPLETED) {
                found = true;
            }
        }
    }

    boolean finished() {
        return finishedAt >= 0;
    }

    /** Whether it found the wanted peer or provider; for other lookups, whether it completed. */
    boolean found() {
        return found;
    }

    long latencyNanos() {
        return finishedAt - startedAt;
    }

    int hops() {
        return hops;
    }

    int requests() {
        return requests;
    }

    /** The peers a closest-peers lookup ended on, closest first. */
    List<PeerId> finalPeers() {
        return finalPeers;
    }
}
