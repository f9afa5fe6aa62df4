package io.peerflux.benchmarks.sim.kad;

import java.util.Arrays;

/**
 * A simulated node's peerstore, as far as the DHT uses it: which peers' addresses the node learned from answers and
 * provider records (and those it sent to), each until its time to live runs out. A simulated peer's addresses never
 * change, so only the expiry is kept, by the peer's node number, in an open-addressing table: 16 bytes a peer where a
 * map of objects took over 100, which is what lets 10,000 nodes fit in 4 GiB. Unlike the host's peerstore it does not
 * keep connected peers' addresses for good: {@link SimKadNetwork#addresses} knows those only while the connection is
 * open, as go-libp2p does.
 *
 * <p>Bounded: at {@code capacity} peers the expired are dropped, and if that frees too little, the quarter closest to
 * expiry too.
 */
final class AddressBook {

    private static final int EMPTY = -1;

    private final int capacity;
    private int[] peers;
    private long[] expiries;
    private int size;

    AddressBook(int capacity) {
        this.capacity = capacity;
        allocate(16);
    }

    /** Keeps the addresses of node {@code peer} until {@code expiresAt} (or longer, if they were kept longer already). */
    void add(int peer, long expiresAt, long now) {
        int slot = find(peer);
        if (peers[slot] == peer) {
            expiries[slot] = Math.max(expiries[slot], expiresAt);
            return;
        }
        if (size == capacity) {
            shrink(now);
        }
        if (2 * (size + 1) > peers.length) {
            rehash(peers.length * 2);
        }
        slot = find(peer);
        peers[slot] = peer;
        expiries[slot] = expiresAt;
        size++;
    }

    /** Whether the addresses of node {@code peer} are known and not expired. */
    boolean knows(int peer, long now) {
        int slot = find(peer);
        return peers[slot] == peer && expiries[slot] > now;
    }

    /** Forgets the addresses of node {@code peer}. */
    void forget(int peer) {
        int slot = find(peer);
        if (peers[slot] != peer) {
            return;
        }
        peers[slot] = EMPTY;
        size--;
        // Linear probing: move later entries of the same run back into the hole, so lookups still find them.
        int mask = peers.length - 1;
        for (int next = (slot + 1) & mask; peers[next] != EMPTY; next = (next + 1) & mask) {
            int p = peers[next];
            long e = expiries[next];
            peers[next] = EMPTY;
            size--;
            int to = find(p);
            peers[to] = p;
            expiries[to] = e;
            size++;
        }
    }

    /** Drops the expired entries and, if fewer than a quarter went, the quarter closest to expiry. */
    private void shrink(long now) {
        long cutoff = now;
        long[] live = new long[size];
        int n = 0;
        for (int i = 0; i < peers.length; i++) {
            if (peers[i] != EMPTY && expiries[i] > now) {
                live[n++] = expiries[i];
            }
        }
        live = Arrays.copyOf(live, n);
        Arrays.sort(live);
        if (live.length > capacity * 3 / 4) {
            cutoff = live[live.length - capacity * 3 / 4 - 1];
        }
        int[] oldPeers = peers;
        long[] oldExpiries = expiries;
        allocate(peers.length);
        for (int i = 0; i < oldPeers.length; i++) {
            if (oldPeers[i] != EMPTY && oldExpiries[i] > cutoff) {
                int slot = find(oldPeers[i]);
                peers[slot] = oldPeers[i];
                expiries[slot] = oldExpiries[i];
                size++;
            }
        }
    }

    private void rehash(int slots) {
        int[] oldPeers = peers;
        long[] oldExpiries = expiries;
        allocate(slots);
        for (int i = 0; i < oldPeers.length; i++) {
            if (oldPeers[i] != EMPTY) {
                int slot = find(oldPeers[i]);
                peers[slot] = oldPeers[i];
                expiries[slot] = oldExpiries[i];
                size++;
            }
        }
    }

    private void allocate(int slots) {
        peers = new int[slots];
        Arrays.fill(peers, EMPTY);
        expiries = new long[slots];
        size = 0;
    }

    /** The slot holding {@code peer}, or the empty slot where it would go. */
    private int find(int peer) {
        int mask = peers.length - 1;
        int h = peer * 0x9E3779B9;
        int slot = (h ^ h >>> 16) & mask;
        while (peers[slot] != EMPTY && peers[slot] != peer) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }
}
