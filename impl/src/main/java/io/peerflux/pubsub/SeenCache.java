package io.peerflux.pubsub;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code seen} cache (gossipsub v1.0, "Message Cache"): ids of messages received in the last {@code ttl}, so that
 * a message is delivered and forwarded once and IHAVE asks only for what is new. An id's lifetime runs from when it
 * was first seen; seeing it again does not extend it. At most {@code maxIds} are kept: when more arrive inside the
 * TTL the oldest is forgotten early, and a copy of it arriving later would count as new. Time is an argument.
 */
final class SeenCache {

    private final int maxIds;
    private final long ttl;
    /** Insertion order is expiry order: every id lives the same {@code ttl}. */
    private final LinkedHashMap<MessageId, Long> expiries;

    SeenCache(int maxIds, long ttlNanos) {
        this.maxIds = maxIds;
        this.ttl = ttlNanos;
        this.expiries = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<MessageId, Long> eldest) {
                return size() > SeenCache.this.maxIds;
            }
        };
    }

    /** Records {@code id}; returns whether it was new (not seen within the TTL). */
    boolean add(MessageId id, long now) {
        expire(now);
        return expiries.putIfAbsent(id, now + ttl) == null;
    }

    boolean contains(MessageId id, long now) {
        expire(now);
        return expiries.containsKey(id);
    }

    /** Forgets ids whose TTL ran out by {@code now}. */
    void expire(long now) {
        Iterator<Long> it = expiries.values().iterator();
        while (it.hasNext() && it.next() - now <= 0) {
            it.remove();
        }
    }

    int size() {
        return expiries.size();
    }
}
