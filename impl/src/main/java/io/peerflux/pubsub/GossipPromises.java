package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IWANT follow-ups (gossipsub v1.1, "Spam Protection Measures"): for each IHAVE answered with an IWANT, one of the
 * asked ids is tracked; if that message has not arrived by the deadline, the peer that advertised it broke its
 * promise and is penalised (P₇). At most {@code maxIds} ids are tracked: past that, new promises are not tracked.
 */
final class GossipPromises {

    private final int maxIds;
    private final LinkedHashMap<MessageId, Map<PeerId, Long>> promises = new LinkedHashMap<>();

    GossipPromises(int maxIds) {
        this.maxIds = maxIds;
    }

    void add(PeerId peer, MessageId id, long deadline) {
        Map<PeerId, Long> peers = promises.get(id);
        if (peers == null) {
            if (promises.size() >= maxIds) {
                return;
            }
            peers = new HashMap<>();
            promises.put(id, peers);
        }
        peers.putIfAbsent(peer, deadline);
    }

    /** The message {@code id} arrived: every promise of it is kept. */
    void fulfilled(MessageId id) {
        promises.remove(id);
    }

    /** Removes the promises past their deadline at {@code now} and returns, per peer, how many it broke. */
    Map<PeerId, Integer> broken(long now) {
        Map<PeerId, Integer> out = new HashMap<>();
        Iterator<Map<PeerId, Long>> it = promises.values().iterator();
        while (it.hasNext()) {
            Map<PeerId, Long> peers = it.next();
            peers.entrySet().removeIf(e -> {
                if (e.getValue() - now > 0) {
                    return false;
                }
                out.merge(e.getKey(), 1, Integer::sum);
                return true;
            });
            if (peers.isEmpty()) {
                it.remove();
            }
        }
        return out;
    }

    int size() {
        return promises.size();
    }
}
