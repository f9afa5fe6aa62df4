package io.peerflux.host;

import io.peerflux.ConnectionManager;
import io.peerflux.peer.PeerId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tags and protections of {@link ConnectionManager}, in memory. Bounded per peer ({@link #MAX_TAGS_PER_PEER});
 * the number of peers is bounded by the services that tag them (a routing table, a mesh), which set tags only for
 * peers they hold. Each peer's entry is replaced atomically.
 */
final class PeerTags implements ConnectionManager {

    private record Entry(Map<String, Integer> tags, Set<String> protections) {
        boolean isEmpty() {
            return tags.isEmpty() && protections.isEmpty();
        }
    }

    private final Map<PeerId, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public void tag(PeerId peer, String tag, int value) {
        entries.compute(peer, (p, e) -> {
            Map<String, Integer> tags = new HashMap<>(e == null ? Map.of() : e.tags());
            if (!tags.containsKey(tag) && tags.size() + (e == null ? 0 : e.protections().size()) >= MAX_TAGS_PER_PEER) {
                throw new IllegalStateException(peer + " already carries " + MAX_TAGS_PER_PEER + " tags");
            }
            tags.put(tag, value);
            return new Entry(Map.copyOf(tags), e == null ? Set.of() : e.protections());
        });
    }

    @Override
    public void untag(PeerId peer, String tag) {
        entries.computeIfPresent(peer, (p, e) -> {
            Map<String, Integer> tags = new HashMap<>(e.tags());
            tags.remove(tag);
            Entry next = new Entry(Map.copyOf(tags), e.protections());
            return next.isEmpty() ? null : next;
        });
    }

    @Override
    public Map<String, Integer> tags(PeerId peer) {
        Entry e = entries.get(peer);
        return e == null ? Map.of() : e.tags();
    }

    @Override
    public int value(PeerId peer) {
        return tags(peer).values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public void protect(PeerId peer, String tag) {
        entries.compute(peer, (p, e) -> {
            Set<String> protections = new HashSet<>(e == null ? Set.of() : e.protections());
            if (!protections.contains(tag)
                    && protections.size() + (e == null ? 0 : e.tags().size()) >= MAX_TAGS_PER_PEER) {
                throw new IllegalStateException(peer + " already carries " + MAX_TAGS_PER_PEER + " tags");
            }
            protections.add(tag);
            return new Entry(e == null ? Map.of() : e.tags(), Set.copyOf(protections));
        });
    }

    @Override
    public boolean unprotect(PeerId peer, String tag) {
        Entry after = entries.computeIfPresent(peer, (p, e) -> {
            Set<String> protections = new HashSet<>(e.protections());
            protections.remove(tag);
            Entry next = new Entry(e.tags(), Set.copyOf(protections));
            return next.isEmpty() ? null : next;
        });
        return after != null && !after.protections().isEmpty();
    }

    @Override
    public boolean isProtected(PeerId peer, String tag) {
        Entry e = entries.get(peer);
        return e != null && (tag == null ? !e.protections().isEmpty() : e.protections().contains(tag));
    }

    @Override
    public boolean isKept(PeerId peer) {
        return entries.containsKey(peer);
    }
}
