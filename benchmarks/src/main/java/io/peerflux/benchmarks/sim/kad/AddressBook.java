package io.peerflux.benchmarks.sim.kad;

import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated node's peerstore, as far as the DHT uses it: the addresses the node learned from answers and provider
 * records (and those it sent to), each until its time to live runs out. Bounded, least recently used forgotten first,
 * so that 10,000 nodes fit in a few GiB. Unlike the host's peerstore it does not keep connected peers' addresses
 * for good: {@link SimKadNetwork#addresses} knows those only while the connection is open, as go-libp2p does.
 */
final class AddressBook {

    private static final class Entry {
        final List<Multiaddr> addresses;
        long expiresAt;

        Entry(List<Multiaddr> addresses, long expiresAt) {
            this.addresses = addresses;
            this.expiresAt = expiresAt;
        }
    }

    private final LinkedHashMap<PeerId, Entry> entries;

    AddressBook(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Keeps {@code peer}'s addresses until {@code expiresAt} (or longer, if they were kept longer already). */
    void add(PeerInfo peer, long expiresAt) {
        Entry e = entries.get(peer.peerId());
        if (e == null) {
            entries.put(peer.peerId(), new Entry(peer.addresses(), expiresAt));
        } else {
            e.expiresAt = Math.max(e.expiresAt, expiresAt);
        }
    }

    /** {@code peer}'s addresses, empty when unknown or expired. */
    List<Multiaddr> get(PeerId peer, long now) {
        Entry e = entries.get(peer);
        return e == null || e.expiresAt <= now ? List.of() : e.addresses;
    }

    /** Forgets {@code peer}'s addresses. */
    void forget(PeerId peer) {
        entries.remove(peer);
    }
}
