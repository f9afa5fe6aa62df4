package io.peerflux.benchmarks.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/** One node's open connections, by peer number, least recently used first; bounded as a host's connection manager. */
final class ConnectionCache {

    private final int capacity;
    private final LinkedHashMap<Integer, Boolean> peers;

    ConnectionCache(int capacity) {
        this.capacity = capacity;
        this.peers = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Whether a connection to {@code peer} is open; counts as a use. */
    boolean use(int peer) {
        return peers.get(peer) != null;
    }

    /** Whether a connection to {@code peer} is open, without counting as a use. */
    boolean contains(int peer) {
        return peers.containsKey(peer);
    }

    /** Adds a connection; returns the peer whose connection was closed to make room, or -1. */
    int add(int peer) {
        peers.put(peer, Boolean.TRUE);
        if (peers.size() <= capacity) {
            return -1;
        }
        Map.Entry<Integer, Boolean> eldest = peers.entrySet().iterator().next();
        peers.remove(eldest.getKey());
        return eldest.getKey();
    }

    void remove(int peer) {
        peers.remove(peer);
    }

    int size() {
        return peers.size();
    }
}
