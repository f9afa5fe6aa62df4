package io.peerflux.kad;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Values stored by {@code PUT_VALUE} (kad-dht spec, "Value storage and retrieval"), each until the expiry its
 * validator gave it. Bounded by count and by bytes; a full store turns new keys away until {@link #collect} frees
 * room (replacing a key's value is always allowed when it fits). A state machine: one thread, no I/O, time (epoch
 * nanoseconds) as an argument.
 */
public final class RecordStore {

    /** A stored value and when it arrived and expires (epoch nanoseconds). */
    public record Stored(byte[] value, long received, long expires) {}

    private final int maxRecords;
    private final long maxBytes;
    private final Map<ByteKey, Stored> records = new HashMap<>();
    private long bytes;

    public RecordStore(int maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
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
        records.put(k, new Stored(value, received, expires));
        bytes += size - freed;
        return true;
    }

    /** Removes every value expired at {@code now}; returns how many. */
    public int collect(long now) {
        int removed = 0;
        for (Iterator<Map.Entry<ByteKey, Stored>> it = records.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ByteKey, Stored> e = it.next();
            if (e.getValue().expires() <= now) {
                bytes -= e.getKey().length() + e.getValue().value().length;
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    public int size() {
        return records.size();
    }

    public long bytes() {
        return bytes;
    }
}
