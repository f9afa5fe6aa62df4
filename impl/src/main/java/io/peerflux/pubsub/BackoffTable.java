package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per topic and peer, the time before which no GRAFT may be sent or accepted (gossipsub v1.1, "PRUNE Backoff and Peer
 * Exchange"). At most {@code maxEntries}: past that the entry added longest ago is dropped first, which only lets a
 * graft happen early (the remote then prunes again). Time is an argument.
 */
final class BackoffTable {

    private record Key(String topic, PeerId peer) {}

    private final int maxEntries;
    private final LinkedHashMap<Key, Long> until;

    BackoffTable(int maxEntries) {
        this.maxEntries = maxEntries;
        this.until = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
                return size() > BackoffTable.this.maxEntries;
            }
        };
    }

    /** Backs off {@code peer} in {@code topic} until {@code time}, or longer if it is already. */
    void add(String topic, PeerId peer, long time) {
        until.merge(new Key(topic, peer), time, (old, t) -> t - old > 0 ? t : old);
    }

    /** When the backoff of {@code peer} in {@code topic} ends; {@code null} when none is recorded. */
    Long until(String topic, PeerId peer) {
        return until.get(new Key(topic, peer));
    }

    boolean active(String topic, PeerId peer, long now) {
        Long t = until.get(new Key(topic, peer));
        return t != null && t - now > 0;
    }

    /** Forgets backoffs that ended by {@code now}. */
    void expire(long now) {
        until.values().removeIf(t -> t - now <= 0);
    }

    int size() {
        return until.size();
    }
}
