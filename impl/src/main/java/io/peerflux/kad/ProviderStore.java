package io.peerflux.kad;

import io.peerflux.peer.PeerId;
import io.peerflux.resource.ServiceMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Provider records (kad-dht spec, "Content provider advertisement and discovery"): which peers provide each key, each
 * until its expiry (48 h after it was added by default). Bounded by the number of records and per key; a full store
 * turns new records away until {@link #collect} frees room, so an attacker cannot push out what honest peers stored.
 * A key already at its per-key cap replaces its record closest to expiry. Each record also reserves
 * {@link #RECORD_BYTES} from the store's {@link ServiceMemory} (the host's resource manager), and is turned away when
 * refused.
 *
 * <p>Compact on purpose: a record is a reference to an interned {@link PeerId} and an expiry in seconds, in arrays
 * per key. A state machine: one thread, no I/O, time (epoch nanoseconds) as an argument.
 */
public final class ProviderStore {

    private static final class Providers {
        PeerId[] peers = new PeerId[1];
        int[] expirySeconds = new int[1];
        int size;

        int indexOf(PeerId peer) {
            for (int i = 0; i < size; i++) {
                if (peers[i].equals(peer)) {
                    return i;
                }
            }
            return -1;
        }

        void add(PeerId peer, int expiry) {
            if (size == peers.length) {
                peers = Arrays.copyOf(peers, size * 2);
                expirySeconds = Arrays.copyOf(expirySeconds, size * 2);
            }
            peers[size] = peer;
            expirySeconds[size] = expiry;
            size++;
        }

        void removeAt(int i) {
            size--;
            peers[i] = peers[size];
            expirySeconds[i] = expirySeconds[size];
            peers[size] = null;
        }
    }

    private static final long EPOCH_2020 = 1_577_836_800L;
    /**
     * What a record costs on the heap, a key's map entry and arrays shared among its records included (one provider
     * per key, the worst case: 1,000,000 such records take about 190 MiB).
     */
    static final long RECORD_BYTES = 200;

    private final int maxRecords;
    private final int maxPerKey;
    private final long ttl;
    private final ServiceMemory memory;
    private final Map<ByteKey, Providers> byKey = new HashMap<>();
    /** One instance per provider, so that a peer providing many keys costs one id. */
    private final Map<PeerId, Provider> interned = new HashMap<>();
    private int records;

    /**
     * @param maxRecords the most records held
     * @param maxPerKey the most providers held for one key
     * @param ttl how long a record lives, in nanoseconds
     */
    public ProviderStore(int maxRecords, int maxPerKey, long ttl) {
        this(maxRecords, maxPerKey, ttl, ServiceMemory.UNLIMITED);
    }

    /** Like {@link #ProviderStore(int, int, long)}, each record reserving {@link #RECORD_BYTES} of {@code memory}. */
    public ProviderStore(int maxRecords, int maxPerKey, long ttl, ServiceMemory memory) {
        this.maxRecords = maxRecords;
        this.maxPerKey = maxPerKey;
        this.ttl = ttl;
        this.memory = memory;
    }

    /**
     * Records that {@code provider} provides {@code key} from {@code now} for the store's time to live, or renews the
     * record. Returns false when the store is full.
     */
    public boolean add(byte[] key, PeerId provider, long now) {
        int expiry = seconds(now + ttl);
        ByteKey k = new ByteKey(key);
        Providers set = byKey.get(k);
        if (set != null) {
            int i = set.indexOf(provider);
            if (i >= 0) {
                set.expirySeconds[i] = expiry;
                return true;
            }
            if (set.size >= maxPerKey) {
                int soonest = 0;
                for (int j = 1; j < set.size; j++) {
                    if (set.expirySeconds[j] < set.expirySeconds[soonest]) {
                        soonest = j;
                    }
                }
                release(set.peers[soonest]);
                set.peers[soonest] = intern(provider);
                set.expirySeconds[soonest] = expiry;
                return true;
            }
        }
        if (records >= maxRecords || !memory.reserve(RECORD_BYTES)) {
            return false;
        }
        if (set == null) {
            set = new Providers();
            byKey.put(k, set);
        }
        set.add(intern(provider), expiry);
        records++;
        return true;
    }

    /** The providers of {@code key} whose records have not expired at {@code now}, at most {@code max}. */
    public List<PeerId> providers(byte[] key, long now, int max) {
        Providers set = byKey.get(new ByteKey(key));
        if (set == null) {
            return List.of();
        }
        int nowSeconds = seconds(now);
        List<PeerId> out = new ArrayList<>(Math.min(max, set.size));
        for (int i = 0; i < set.size && out.size() < max; i++) {
            if (set.expirySeconds[i] > nowSeconds) {
                out.add(set.peers[i]);
            }
        }
        return out;
    }

    /** Removes every record expired at {@code now}; returns how many. */
    public int collect(long now) {
        int nowSeconds = seconds(now);
        int removed = 0;
        for (Iterator<Providers> it = byKey.values().iterator(); it.hasNext(); ) {
            Providers set = it.next();
            for (int i = set.size - 1; i >= 0; i--) {
                if (set.expirySeconds[i] <= nowSeconds) {
                    release(set.peers[i]);
                    set.removeAt(i);
                    removed++;
                }
            }
            if (set.size == 0) {
                it.remove();
            }
        }
        records -= removed;
        memory.release(removed * RECORD_BYTES);
        return removed;
    }

    /** The number of records held. */
    public int size() {
        return records;
    }

    /** The number of keys with at least one record. */
    public int keys() {
        return byKey.size();
    }

    /** The one id instance of a provider, and how many records name it. */
    private static final class Provider {
        final PeerId id;
        int records;

        Provider(PeerId id) {
            this.id = id;
        }
    }

    private PeerId intern(PeerId peer) {
        Provider one = interned.computeIfAbsent(peer, Provider::new);
        one.records++;
        return one.id;
    }

    private void release(PeerId peer) {
        Provider one = interned.get(peer);
        if (one != null && --one.records == 0) {
            interned.remove(peer);
        }
    }

    /** Seconds since 2020-01-01, which an int holds from 1952 to 2088. */
    private static int seconds(long epochNanos) {
        long s = epochNanos / 1_000_000_000L - EPOCH_2020;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
    }
}
