package io.peerflux.kad;

import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kademlia routing table (kad-dht spec, "Kademlia routing table"): buckets of at most {@code k} peers by the
 * length of the prefix their keyspace point shares with ours, each ordered from least to most recently seen.
 *
 * <p>A full bucket does not evict on its own: {@link #offer} answers {@link Offer#CHECK_OLDEST} with the least recently
 * seen peer to check, and {@link #checked} settles it (Kademlia's rule: live old peers are worth more than new ones).
 * One check per bucket runs at a time; other candidates for that bucket are turned away meanwhile.
 *
 * <p>An {@link IpGroups} diversity filter bounds how many peers of one network block enter the table and each bucket.
 *
 * <p>A state machine: one thread, no I/O, time as an argument.
 */
public final class RoutingTable {

    /** What became of an offered peer. */
    public enum Offer {
        /** Now in the table. */
        ADDED,
        /** Was in the table; marked as just seen. */
        UPDATED,
        /** Its bucket is full: check {@link #pendingCheck(PeerId)}'s oldest peer, then call {@link #checked}. */
        CHECK_OLDEST,
        /** Its bucket is full and already checking another candidate. */
        FULL,
        /** Its network block has as many peers as the diversity filter allows. */
        REJECTED_DIVERSITY,
        /** Our own id. */
        SELF
    }

    /** A peer in the table. */
    public static final class Entry {
        private final PeerId peer;
        private final KadId id;
        private final String ipGroup;
        private long lastSeen;

        Entry(PeerId peer, KadId id, String ipGroup, long lastSeen) {
            this.peer = peer;
            this.id = id;
            this.ipGroup = ipGroup;
            this.lastSeen = lastSeen;
        }

        public PeerId peer() {
            return peer;
        }

        public KadId id() {
            return id;
        }

        public long lastSeen() {
            return lastSeen;
        }
    }

    private static final class Bucket {
        /** Least recently seen first. */
        final List<Entry> entries = new ArrayList<>();
        Entry checking;
        Entry candidate;
    }

    private final KadId self;
    private final int k;
    private final IpGroups groups;
    /** Created when a peer first enters them: most of the 256 never hold one. */
    private final Bucket[] buckets = new Bucket[KadId.BITS];
    private final long[] lastUsed = new long[KadId.BITS];
    private final Map<PeerId, Entry> byPeer = new HashMap<>();
    private long changes;

    /**
     * @param groups the diversity filter
     * @param now the creation time: every bucket counts as used then
     */
    public RoutingTable(KadId self, int k, IpGroups groups, long now) {
        this.self = self;
        this.k = k;
        this.groups = groups;
        Arrays.fill(lastUsed, now);
    }

    /** A count of peers added and removed so far: unchanged means the same peers. */
    public long changes() {
        return changes;
    }

    public int size() {
        return byPeer.size();
    }

    public boolean contains(PeerId peer) {
        return byPeer.containsKey(peer);
    }

    /**
     * Offers a peer that answered us.
     *
     * @param ipGroup its network block for the diversity filter ({@link IpGroups#groupOf}), {@code null} for exempt
     */
    public Offer offer(PeerId peer, KadId id, String ipGroup, long now) {
        if (id.equals(self)) {
            return Offer.SELF;
        }
        Entry known = byPeer.get(peer);
        int index = bucketIndex(id);
        Bucket bucket = buckets[index];
        if (bucket == null) {
            bucket = buckets[index] = new Bucket();
        }
        if (known != null) {
            known.lastSeen = now;
            bucket.entries.remove(known);
            bucket.entries.add(known);
            return Offer.UPDATED;
        }
        if (ipGroup != null && !groups.admits(ipGroup, index)) {
            return Offer.REJECTED_DIVERSITY;
        }
        Entry entry = new Entry(peer, id, ipGroup, now);
        if (bucket.entries.size() < k) {
            add(bucket, entry);
            return Offer.ADDED;
        }
        if (bucket.checking != null) {
            return Offer.FULL;
        }
        bucket.checking = bucket.entries.get(0);
        bucket.candidate = entry;
        return Offer.CHECK_OLDEST;
    }

    /** The peer to check for {@code candidate}'s bucket after {@link Offer#CHECK_OLDEST}, or {@code null}. */
    public PeerId pendingCheck(PeerId candidate) {
        for (Bucket bucket : buckets) {
            if (bucket != null && bucket.candidate != null && bucket.candidate.peer.equals(candidate)) {
                return bucket.checking.peer;
            }
        }
        return null;
    }

    /**
     * Settles a check of {@code checked}: alive, it stays and counts as just seen, and the candidate is dropped; dead,
     * it is removed and the candidate takes its place (if the diversity filter still admits it).
     */
    public void checked(PeerId checked, boolean alive, long now) {
        Entry entry = byPeer.get(checked);
        if (entry == null) {
            return;
        }
        Bucket bucket = buckets[bucketIndex(entry.id)];
        if (bucket.checking != entry) {
            return;
        }
        Entry candidate = bucket.candidate;
        bucket.checking = null;
        bucket.candidate = null;
        if (alive) {
            entry.lastSeen = now;
            bucket.entries.remove(entry);
            bucket.entries.add(entry);
            return;
        }
        remove(checked);
        if (!byPeer.containsKey(candidate.peer)
                && (candidate.ipGroup == null || groups.admits(candidate.ipGroup, bucketIndex(candidate.id)))) {
            add(bucket, candidate);
        }
    }

    /** Removes a peer (it failed us); returns whether it was in the table. */
    public boolean remove(PeerId peer) {
        Entry entry = byPeer.remove(peer);
        if (entry != null) {
            changes++;
        }
        if (entry == null) {
            // A candidate waiting on a check that fails us meanwhile is not worth a place: the check is abandoned.
            for (Bucket bucket : buckets) {
                if (bucket != null && bucket.candidate != null && bucket.candidate.peer.equals(peer)) {
                    bucket.checking = null;
                    bucket.candidate = null;
                }
            }
            return false;
        }
        int index = bucketIndex(entry.id);
        Bucket bucket = buckets[index];
        bucket.entries.remove(entry);
        if (entry.ipGroup != null) {
            groups.removed(entry.ipGroup, index);
        }
        if (bucket.checking == entry) {
            Entry candidate = bucket.candidate;
            bucket.checking = null;
            bucket.candidate = null;
            if (!byPeer.containsKey(candidate.peer)
                    && (candidate.ipGroup == null || groups.admits(candidate.ipGroup, index))) {
                add(bucket, candidate);
            }
        }
        return true;
    }

    /**
     * The {@code count} peers closest to {@code target}, closest first. XOR distance ranks whole buckets, so only the
     * buckets that hold the answer are sorted: first the target's own bucket c; then the deeper buckets, where bucket
     * i lies nearer than every deeper one if bit i of {@code self XOR target} is set and farther than all of them if
     * not; then buckets c - 1 down to 0.
     */
    public List<Entry> closest(KadId target, int count) {
        List<Entry> out = new ArrayList<>(count);
        Comparator<Entry> closer = (a, b) -> target.compareDistance(a.id, b.id);
        int c = bucketIndex(target);
        byte[] x = self.distance(target).bytes();
        addClosest(out, buckets[c], count, closer);
        int[] fartherThanDeeper = new int[buckets.length];
        int farther = 0;
        for (int i = c + 1; i < buckets.length && out.size() < count; i++) {
            if ((x[i >> 3] >> (7 - (i & 7)) & 1) == 1) {
                addClosest(out, buckets[i], count, closer);
            } else if (bucketSize(i) > 0) {
                fartherThanDeeper[farther++] = i;
            }
        }
        while (farther > 0 && out.size() < count) {
            addClosest(out, buckets[fartherThanDeeper[--farther]], count, closer);
        }
        for (int i = c - 1; i >= 0 && out.size() < count; i--) {
            addClosest(out, buckets[i], count, closer);
        }
        return out;
    }

    private static void addClosest(List<Entry> out, Bucket bucket, int count, Comparator<Entry> closer) {
        if (bucket == null || bucket.entries.isEmpty()) {
            return;
        }
        List<Entry> sorted = new ArrayList<>(bucket.entries);
        sorted.sort(closer);
        for (int i = 0; i < sorted.size() && out.size() < count; i++) {
            out.add(sorted.get(i));
        }
    }

    /** Every peer, bucket by bucket. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(byPeer.size());
        for (Bucket bucket : buckets) {
            if (bucket != null) {
                out.addAll(bucket.entries);
            }
        }
        return out;
    }

    /** Marks the bucket that {@code target} falls in as used by a lookup at {@code now}. */
    public void used(KadId target, long now) {
        if (!target.equals(self)) {
            lastUsed[bucketIndex(target)] = now;
        }
    }

    /**
     * The buckets, by common prefix length, that no lookup used since {@code now - interval}, up to the deepest
     * non-empty bucket (deeper ones cannot be filled by a lookup either: the peers there are what the self lookup
     * finds).
     */
    public List<Integer> bucketsToRefresh(long now, long interval) {
        int deepest = -1;
        for (int i = 0; i < buckets.length; i++) {
            if (bucketSize(i) > 0) {
                deepest = i;
            }
        }
        List<Integer> due = new ArrayList<>();
        for (int i = 0; i <= deepest; i++) {
            if (now - lastUsed[i] >= interval) {
                due.add(i);
            }
        }
        return due;
    }

    /** The number of peers in the bucket of common prefix length {@code cpl}. */
    public int bucketSize(int cpl) {
        return buckets[cpl] == null ? 0 : buckets[cpl].entries.size();
    }

    private void add(Bucket bucket, Entry entry) {
        changes++;
        bucket.entries.add(entry);
        byPeer.put(entry.peer, entry);
        if (entry.ipGroup != null) {
            groups.added(entry.ipGroup, bucketIndex(entry.id));
        }
    }

    private int bucketIndex(KadId id) {
        return Math.min(self.commonPrefixLength(id), KadId.BITS - 1);
    }
}
