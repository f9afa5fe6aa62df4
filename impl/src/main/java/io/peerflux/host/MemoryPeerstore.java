package io.peerflux.host;

import io.peerflux.Peerstore;
import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.record.PeerRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A peerstore in memory, bounded so that a flood of peers cannot fill the heap:
 * <ul>
 *   <li>per peer: at most {@link #MAX_ADDRESSES} addresses, {@link #MAX_PROTOCOLS} protocols of at most
 *       {@link #MAX_PROTOCOL_LENGTH} characters, an agent version of at most {@link #MAX_AGENT_LENGTH}, one certified
 *       record (at most {@link PeerRecord#MAX_ADDRESSES} addresses, {@link io.peerflux.record.Envelope#MAX_SIZE}
 *       bytes);</li>
 *   <li>in time: a connected peer's addresses never expire; when its last connection closes, addresses learned from
 *       connections live {@link Peerstore#CONNECTED_ADDRESS_TTL} more, and its protocols, agent version and
 *       certified record {@link #GRACE}; a peer left with nothing is forgotten;</li>
 *   <li>in number and in bytes: beyond {@code maxPeers}, or beyond {@code maxBytes} of records (estimated from their
 *       contents), the least recently used peers that are neither connected nor kept by the connection manager's tags
 *       are forgotten, down to nine tenths of the cap. A count alone is not enough: 10,000 peers each announcing
 *       256 protocols of 234 bytes would keep 600 MB.</li>
 * </ul>
 * Expired data is swept every {@link #SWEEP_EVERY} writes. Each peer's record is replaced atomically, so readers never
 * see a half-written one.
 */
final class MemoryPeerstore implements Peerstore {

    static final int MAX_ADDRESSES = 64;
    static final int MAX_PROTOCOLS = 256;
    static final int MAX_PROTOCOL_LENGTH = 256;
    static final int MAX_AGENT_LENGTH = 256;
    /** How long a disconnected peer's protocols, agent version and certified record are kept. */
    static final Duration GRACE = Duration.ofMinutes(1);
    static final int SWEEP_EVERY = 1024;
    /** The cap when none is given: ample for a DHT server's routing table, connections and recent lookups. */
    static final int DEFAULT_MAX_PEERS = 10_000;
    /** The byte cap when none is given: a sixteenth of the heap, between 4 and 256 MiB. */
    static final long DEFAULT_MAX_BYTES = Math.max(4L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 16));
    private static final long PERMANENT = Long.MAX_VALUE;

    /**
     * @param addresses each address with the {@link #clock} time it expires at ({@link #PERMANENT} for never)
     * @param connections open connections to the peer
     * @param disconnectedAt when the last one closed ({@link Long#MIN_VALUE}: never connected)
     * @param lastUsed the last write or read, for eviction beyond the cap
     * @param certified the newest signed peer record, or null
     */
    private record Record(Map<Multiaddr, Long> addresses, PublicKey key, Set<String> protocols, String agent,
                          int connections, long disconnectedAt, long lastUsed, PeerRecord certified) {
        static final Record EMPTY = new Record(Map.of(), null, Set.of(), null, 0, Long.MIN_VALUE, 0, null);

        Record with(Map<Multiaddr, Long> a, PublicKey k, Set<String> p, String g, int c, long d, long now) {
            return new Record(a, k, p, g, c, d, now, certified);
        }

        /** Roughly what the record holds on the heap: object headers and references, strings, address bytes. */
        long bytes() {
            long n = 160;
            for (Multiaddr a : addresses.keySet()) {
                n += 96 + a.bytes().length;
            }
            for (String p : protocols) {
                n += 64 + p.length();
            }
            return n + (agent == null ? 0 : 56 + agent.length()) + (key == null ? 0 : 160)
                    + (certified == null ? 0 : 2L * certified.envelope().size() + 96L * certified.addresses().size());
        }

        boolean hasLiveAddress(long now) {
            return addresses.values().stream().anyMatch(expiry -> expiry > now);
        }
    }

    private final Map<PeerId, Record> records = new ConcurrentHashMap<>();
    private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);
    private final ReentrantLock sweeping = new ReentrantLock();
    private final LongSupplier clock;
    private final int maxPeers;
    private final long maxBytes;
    /** The sum of every record's {@link Record#bytes()}. */
    private final AtomicLong bytes = new AtomicLong();
    /**
     * The size and bytes beyond which a write sweeps: the caps, or a tenth more than a sweep left when it could not get
     * under them (everyone connected or kept), so that such a state does not make every write a sweep.
     */
    private volatile int sweepAtSize;
    private volatile long sweepAtBytes;
    private final Predicate<PeerId> kept;

    /**
     * @param clock nanoseconds of a monotonic clock
     * @param kept peers whose records are never dropped (tagged or protected ones)
     */
    MemoryPeerstore(LongSupplier clock, int maxPeers, long maxBytes, Predicate<PeerId> kept) {
        this.clock = clock;
        this.maxPeers = maxPeers;
        this.maxBytes = maxBytes;
        this.sweepAtSize = maxPeers;
        this.sweepAtBytes = maxBytes;
        this.kept = kept;
    }

    @Override
    public void addAddresses(PeerId peer, Collection<Multiaddr> addresses) {
        add(peer, addresses, PERMANENT);
    }

    @Override
    public void addAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl) {
        add(peer, addresses, clock.getAsLong() + ttl.toNanos());
    }

    private void add(PeerId peer, Collection<Multiaddr> addresses, long expiry) {
        long now = clock.getAsLong();
        update(peer, old -> {
            Map<Multiaddr, Long> merged = new LinkedHashMap<>();
            old.addresses().forEach((a, e) -> {
                if (e > now || old.connections() > 0) {
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
            return old.with(Collections.unmodifiableMap(merged), old.key(), old.protocols(), old.agent(),
                    old.connections(), old.disconnectedAt(), now);
        });
    }

    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        long now = clock.getAsLong();
        Record r = records.getOrDefault(peer, Record.EMPTY);
        return r.addresses().entrySet().stream().filter(e -> r.connections() > 0 || e.getValue() > now)
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public void putPublicKey(PeerId peer, PublicKey key) {
        if (!peer.matches(key)) {
            throw new IllegalArgumentException("key does not belong to " + peer);
        }
        long now = clock.getAsLong();
        update(peer, old -> old.with(old.addresses(), key, old.protocols(), old.agent(), old.connections(),
                old.disconnectedAt(), now));
    }

    @Override
    public Optional<PublicKey> publicKey(PeerId peer) {
        Record r = records.get(peer);
        return r != null && r.key() != null ? Optional.of(r.key()) : peer.publicKey();
    }

    @Override
    public void setProtocols(PeerId peer, Collection<String> protocols) {
        Set<String> bounded = Set.copyOf(protocols.stream().filter(p -> p.length() <= MAX_PROTOCOL_LENGTH)
                .limit(MAX_PROTOCOLS).toList());
        long now = clock.getAsLong();
        update(peer, old -> old.with(old.addresses(), old.key(), bounded, old.agent(), old.connections(),
                old.disconnectedAt(), now));
    }

    @Override
    public Set<String> protocols(PeerId peer) {
        return records.getOrDefault(peer, Record.EMPTY).protocols();
    }

    @Override
    public void setAgentVersion(PeerId peer, String agentVersion) {
        String bounded = agentVersion.length() <= MAX_AGENT_LENGTH ? agentVersion
                : agentVersion.substring(0, MAX_AGENT_LENGTH);
        long now = clock.getAsLong();
        update(peer, old -> old.with(old.addresses(), old.key(), old.protocols(), bounded, old.connections(),
                old.disconnectedAt(), now));
    }

    @Override
    public Optional<String> agentVersion(PeerId peer) {
        return Optional.ofNullable(records.getOrDefault(peer, Record.EMPTY).agent());
    }

    @Override
    public boolean putCertifiedRecord(PeerRecord record) {
        boolean[] kept = {false};
        long now = clock.getAsLong();
        update(record.peerId(), old -> {
            kept[0] = old.certified() == null || record.isNewerThan(old.certified());
            return new Record(old.addresses(), old.key(), old.protocols(), old.agent(), old.connections(),
                    old.disconnectedAt(), now, kept[0] ? record : old.certified());
        });
        return kept[0];
    }

    @Override
    public Optional<PeerRecord> certifiedRecord(PeerId peer) {
        return Optional.ofNullable(records.getOrDefault(peer, Record.EMPTY).certified());
    }

    @Override
    public Set<PeerId> peers() {
        return Set.copyOf(records.keySet());
    }

    /** A connection to {@code peer} opened: its addresses stop expiring. */
    void connected(PeerId peer) {
        long now = clock.getAsLong();
        update(peer, old -> old.with(old.addresses(), old.key(), old.protocols(), old.agent(),
                old.connections() + 1, old.disconnectedAt(), now));
    }

    /**
     * A connection to {@code peer} closed; after its last one, addresses learned from connections live
     * {@link Peerstore#CONNECTED_ADDRESS_TTL} more (those given without a time to live stay).
     */
    void disconnected(PeerId peer) {
        long now = clock.getAsLong();
        long until = now + CONNECTED_ADDRESS_TTL.toNanos();
        update(peer, old -> {
            int left = Math.max(0, old.connections() - 1);
            Map<Multiaddr, Long> addresses = old.addresses();
            if (left == 0) {
                Map<Multiaddr, Long> extended = new LinkedHashMap<>();
                old.addresses().forEach((a, e) -> extended.put(a, e == PERMANENT ? e : Math.max(e, until)));
                addresses = Collections.unmodifiableMap(extended);
            }
            return old.with(addresses, old.key(), old.protocols(), old.agent(), left,
                    left == 0 ? now : old.disconnectedAt(), now);
        });
    }

    /** Number of peers known. */
    int size() {
        return records.size();
    }

    /** The estimated size of every record, together. */
    long bytes() {
        return bytes.get();
    }

    private void update(PeerId peer, UnaryOperator<Record> change) {
        replace(peer, r -> change.apply(r == null ? Record.EMPTY : r));
        if (untilSweep.decrementAndGet() <= 0 || records.size() > sweepAtSize || bytes.get() > sweepAtBytes) {
            sweep();
        }
    }

    /** Replaces {@code peer}'s record (null: none) by what {@code change} makes of it, keeping {@link #bytes} right. */
    private Record replace(PeerId peer, UnaryOperator<Record> change) {
        Record[] old = {null};
        records.compute(peer, (p, r) -> {
            old[0] = r;
            Record next = change.apply(r);
            bytes.addAndGet((next == null ? 0 : next.bytes()) - (r == null ? 0 : r.bytes()));
            return next;
        });
        return old[0];
    }

    /** Drops what expired, then the least recently used peers that may go, while over the cap. */
    private void sweep() {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            untilSweep.set(SWEEP_EVERY);
            long now = clock.getAsLong();
            long grace = GRACE.toNanos();
            for (PeerId peer : List.copyOf(records.keySet())) {
                replace(peer, r -> {
                    if (r == null || r.connections() > 0 || kept.test(peer)) {
                        return r;
                    }
                    boolean graceOver = r.disconnectedAt() == Long.MIN_VALUE || now - r.disconnectedAt() >= grace;
                    if (!graceOver) {
                        return r;
                    }
                    if (!r.hasLiveAddress(now)) {
                        return null;
                    }
                    Map<Multiaddr, Long> live = new LinkedHashMap<>();
                    r.addresses().forEach((a, e) -> {
                        if (e > now) {
                            live.put(a, e);
                        }
                    });
                    return new Record(Collections.unmodifiableMap(live), r.key(), Set.of(), null, 0,
                            r.disconnectedAt(), r.lastUsed(), null);
                });
            }
            if (records.size() > maxPeers || bytes.get() > maxBytes) {
                List<PeerId> leastRecentlyUsed = records.entrySet().stream()
                        .filter(e -> e.getValue().connections() == 0 && !kept.test(e.getKey()))
                        .sorted(Comparator.comparingLong(e -> e.getValue().lastUsed()))
                        .map(Map.Entry::getKey)
                        .toList();
                for (PeerId p : leastRecentlyUsed) {
                    if (records.size() <= maxPeers * 9 / 10 && bytes.get() <= maxBytes * 9 / 10) {
                        break;
                    }
                    replace(p, r -> r == null || r.connections() > 0 ? r : null);
                }
            }
            sweepAtSize = Math.max(maxPeers, records.size() + maxPeers / 10);
            sweepAtBytes = Math.max(maxBytes, bytes.get() + maxBytes / 10);
        } finally {
            sweeping.unlock();
        }
    }
}
