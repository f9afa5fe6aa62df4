package io.peerflux.host;

import io.peerflux.Peerstore;
import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A peerstore in memory. Each peer's record is replaced atomically, so readers never see a half-written one.
 * Bounded per peer: at most {@link #MAX_ADDRESSES} addresses and {@link #MAX_PROTOCOLS} protocols are kept.
 */
final class MemoryPeerstore implements Peerstore {

    static final int MAX_ADDRESSES = 64;
    static final int MAX_PROTOCOLS = 256;

    private record Record(List<Multiaddr> addresses, PublicKey key, Set<String> protocols, String agent) {
        static final Record EMPTY = new Record(List.of(), null, Set.of(), null);
    }

    private final Map<PeerId, Record> records = new ConcurrentHashMap<>();

    @Override
    public void addAddresses(PeerId peer, Collection<Multiaddr> addresses) {
        records.compute(peer, (p, r) -> {
            Record old = r == null ? Record.EMPTY : r;
            LinkedHashSet<Multiaddr> merged = new LinkedHashSet<>(old.addresses());
            for (Multiaddr a : addresses) {
                if (merged.size() >= MAX_ADDRESSES) {
                    break;
                }
                merged.add(a.withoutPeerId());
            }
            return new Record(List.copyOf(merged), old.key(), old.protocols(), old.agent());
        });
    }

    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        return records.getOrDefault(peer, Record.EMPTY).addresses();
    }

    @Override
    public void putPublicKey(PeerId peer, PublicKey key) {
        if (!peer.matches(key)) {
            throw new IllegalArgumentException("key does not belong to " + peer);
        }
        records.compute(peer, (p, r) -> {
            Record old = r == null ? Record.EMPTY : r;
            return new Record(old.addresses(), key, old.protocols(), old.agent());
        });
    }

    @Override
    public Optional<PublicKey> publicKey(PeerId peer) {
        Record r = records.get(peer);
        return r != null && r.key() != null ? Optional.of(r.key()) : peer.publicKey();
    }

    @Override
    public void setProtocols(PeerId peer, Collection<String> protocols) {
        Set<String> bounded = Set.copyOf(protocols.stream().limit(MAX_PROTOCOLS).toList());
        records.compute(peer, (p, r) -> {
            Record old = r == null ? Record.EMPTY : r;
            return new Record(old.addresses(), old.key(), bounded, old.agent());
        });
    }

    @Override
    public Set<String> protocols(PeerId peer) {
        return records.getOrDefault(peer, Record.EMPTY).protocols();
    }

    @Override
    public void setAgentVersion(PeerId peer, String agentVersion) {
        records.compute(peer, (p, r) -> {
            Record old = r == null ? Record.EMPTY : r;
            return new Record(old.addresses(), old.key(), old.protocols(), agentVersion);
        });
    }

    @Override
    public Optional<String> agentVersion(PeerId peer) {
        return Optional.ofNullable(records.getOrDefault(peer, Record.EMPTY).agent());
    }

    @Override
    public Set<PeerId> peers() {
        return Set.copyOf(records.keySet());
    }
}
