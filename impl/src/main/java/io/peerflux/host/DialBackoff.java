package io.peerflux.host;

import io.peerflux.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Addresses that failed recently, not to be dialed again for a while: {@value #BASE_SECONDS} s after a failure,
 * doubling with each further one up to {@value #MAX_SECONDS} s; a success, or {@value #MAX_SECONDS} s without a
 * failure after the wait ended, forgets the address. At most {@value #CAPACITY} addresses (the least recently failed
 * go first), so that a flood of unreachable addresses costs a bounded map. Times are nanoseconds of the host's
 * clock. Thread-safe.
 */
final class DialBackoff {

    static final int BASE_SECONDS = 5;
    static final int MAX_SECONDS = 300;
    static final int CAPACITY = 10_000;
    /** Forgotten entries removed per failure recorded: enough to keep up, bounded work. */
    private static final int PRUNE_PER_CALL = 4;

    private record Entry(int failures, long until) {
    }

    /** In the order of their last failure, oldest first. */
    private final Map<Multiaddr, Entry> entries = new LinkedHashMap<>();

    /** How long {@code address} must still wait, or {@link Duration#ZERO}. */
    synchronized Duration remaining(Multiaddr address, long now) {
        Entry e = entries.get(address);
        return e == null || now >= e.until() ? Duration.ZERO : Duration.ofNanos(e.until() - now);
    }

    synchronized void failed(Multiaddr address, long now) {
        Entry previous = entries.remove(address);
        int failures = previous == null || forgotten(previous, now) ? 1 : previous.failures() + 1;
        long wait = Math.min((long) BASE_SECONDS << Math.min(failures - 1, 16), MAX_SECONDS);
        entries.put(address, new Entry(failures, now + Duration.ofSeconds(wait).toNanos()));
        Iterator<Entry> oldest = entries.values().iterator();
        for (int i = 0; i < PRUNE_PER_CALL && oldest.hasNext(); i++) {
            if (forgotten(oldest.next(), now)) {
                oldest.remove();
            }
        }
        if (entries.size() > CAPACITY) {
            oldest = entries.values().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    synchronized void succeeded(Multiaddr address) {
        entries.remove(address);
    }

    synchronized int size() {
        return entries.size();
    }

    private static boolean forgotten(Entry e, long now) {
        return now - e.until() >= Duration.ofSeconds(MAX_SECONDS).toNanos();
    }
}
