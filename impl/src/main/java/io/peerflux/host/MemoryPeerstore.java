package io.peerflux.host;

import io.peerflux.Peerstore;
import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A peerstore in memory. Each peer's record is replaced atomically, so readers never see a half-written one.
 * Bounded per peer: at most {@link #MAX_ADDRESSES} addresses and {@link #MAX_PROTOCOLS} protocols are kept.
 * Addresses added with a time to live expire; every {@link #SWEEP_EVERY} such additions, peers left with nothing
 * but expired addresses are removed, so second-hand knowledge does not pile up.
 */
final class MemoryPeerstore implements Peerstore {

    static final int MAX_ADDRESSES = 64;
    static final int MAX_PROTOCOLS = 256;
    static final int SWEEP_EVERY = 1024;
    private static final long PERMANENT = Long.MAX_VALUE;

    /** @param addresses each address with the {@link #clock} time it expires at ({@link #PERMANENT} for never) */
    private record Record(Map<Multiaddr, Long> addresses, PublicKey key, Set<String> protocols, String agent) {
        static final Record EMPTY = new Record(Map.of(), null, Set.of(), null);

        boolean onlyExpired(long now) {
            return key == null && protocols.isEmpty() && agent == null
                    && addresses.values().stream().allMatch(expiry -> expiry <= now);
        }
    }

    private final Map<PeerId, Record> records = new ConcurrentHashMap<>();
    private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);
    private final LongSupplier clock;

    MemoryPeerstore() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds of a monotonic clock */
    MemoryPeerstore(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void addAddresses(PeerId peer, Collection<Multiaddr> addresses) {
        add(peer, addresses, PERMANENT);
    }

    @Override
    public void addAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl) {
        long now = clock.getAsLong();
        add(peer, addresses, now + ttl.toNanos());
        if (untilSweep.decrementAndGet() <= 0) {
            untilSweep.set(SWEEP_EVERY);
            records.entrySet().removeIf(e -> e.getValue().onlyExpired(now));
        }
    }

    private void add(PeerId peer, Collection<Multiaddr> addresses, long expiry) {
        long now = clock.getAsLong();
        records.compute(peer, (p, r) -> {
            Record old = r == null ? Record.EMPTY : r;
            Map<Multiaddr, Long> merged = new LinkedHashMap<>();
            old.addresses().forEach((a, e) -> {
                if (e > now) {
                    merged.put(a, e);
                }
            });
            for (Multiaddr a : addresses) {
                Multiaddr bare = a.withoutPeerId();
                Long known = merged.get(bare);
                if (known == null && merged.size() >= MAX_ADDRESSES) {
                    continue;
                }
                merged.put(bare, known == null ? expiry : Math.max(known, expiry));
            }
            return new Record(Collections.unmodifiableMap(merged), old.key(), old.protocols(), old.agent());
        });
    }

    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        long now = clock.getAsLong();
        Map<Multiaddr, Long> addresses = records.getOrDefault(peer, Record.EMPTY).addresses();
        return addresses.entrySet().stream().filter(e -> e.getValue() > now).map(Map.Entry::getKey).toList();
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
