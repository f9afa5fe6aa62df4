package io.peerflux.kad;

import io.peerflux.resource.ServiceMemory;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Values stored by {@code PUT_VALUE} (kad-dht spec, "Value storage and retrieval"), each until the expiry its
 * validator gave it. Bounded by count and by bytes; a full store turns new keys away until {@link #collect} frees
 * room (replacing a key's value is always allowed when it fits), and by the memory its {@link ServiceMemory} grants
 * (the host's resource manager). A state machine: one thread, no I/O, time (epoch nanoseconds) as an argument.
 */
public final class RecordStore {

    /** A stored value and when it arrived and expires (epoch nanoseconds). */
    public record Stored(byte[] value, long received, long expires) {}

    private final int maxRecords;
    private final long maxBytes;
    private final ServiceMemory memory;
    private final Map<ByteKey, Stored> records = new HashMap<>();
    private long bytes;

    public RecordStore(int maxRecords, long maxBytes) {
        this(maxRecords, maxBytes, ServiceMemory.UNLIMITED);
    }

    /** @param memory where the bytes of keys and values are reserved */
    public RecordStore(int maxRecords, long maxBytes, ServiceMemory memory) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.memory = memory;
    }

    /** The value for {@code key} unless absent or expired at {@code now}. */
    public Stored get(byte[] key, long now) {
        Stored s = records.get(new ByteKey(key));
        return s == null || s.expires() <= now ? null : s;
    }

    /** Stores or replaces the value for {@code key}; returns false when it does not fit. */
    public boolean put(byte[] key, byte[] value, long received, long expires) {
        ByteKey k = new ByteKey(key);
        Stored old = records.get(k);
        long size = (long) key.length + value.length;
        long freed = old == null ? 0 : key.length + old.value().length;
        if (bytes - freed + size > maxBytes || (old == null && records.size() >= maxRecords)) {
            return false;
        }
        long grown = size - freed;
        if (grown > 0 && !memory.reserve(grown)) {
            return false;
        }
        if (grown < 0) {
            memory.release(-grown);
        }
        records.put(k, new Stored(value, received, expires));
        bytes += grown;
        return true;
    }

    /** Removes every value expired at {@code now}; returns how many. */
    public int collect(long now) {
        int removed = 0;
        long freed = 0;
        for (Iterator<Map.Entry<ByteKey, Stored>> it = records.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ByteKey, Stored> e = it.next();
            if (e.getValue().expires() <= now) {
                freed += e.getKey().length() + e.getValue().value().length;
                it.remove();
                removed++;
            }
        }
        bytes -= freed;
        memory.release(freed);
        return removed;
    }

    public int size() {
        return records.size();
    }

    public long bytes() {
        return bytes;
    }
}
