package io.peerflux.resource;

import io.peerflux.LimitExceededException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Inbound connections per source network: how many are open (at most {@link IpLimits#connsPerIpv4} per IPv4
 * address, {@link IpLimits#connsPerIpv6} per IPv6 /56) and a token bucket of new ones. At most {@link
 * IpLimits#maxTracked} networks are kept; one with no connection and a full bucket is equivalent to an absent one
 * and is dropped when room is needed. Thread-safe; each call holds the lock for a hash lookup, or a sweep of the
 * table at most every {@link #SWEEP_INTERVAL_NANOS} while it is full.
 */
final class IpLimiter {

    static final long SWEEP_INTERVAL_NANOS = 100_000_000L;

    private final IpLimits limits;
    private final LongSupplier nanoTime;
    private final RefusalLog log;
    private final Map<Long, Entry> v4 = new HashMap<>();
    private final Map<Long, Entry> v6 = new HashMap<>();
    private long lastSweep = Long.MIN_VALUE;

    IpLimiter(IpLimits limits, LongSupplier nanoTime, RefusalLog log) {
        this.limits = limits;
        this.nanoTime = nanoTime;
        this.log = log;
    }

    private static final class Entry {
        int conns;
        double tokens;
        long refilledAt;
    }

    /** A network's slot, given back with {@link #release}; {@link #NONE} when the source is not limited. */
    record Slot(boolean v6, long key) {
    }

    static final Slot NONE = new Slot(false, 0);

    /** Whether connections from {@code address} are limited at all. */
    boolean limits(InetAddress address) {
        return address != null && !limits.isUnlimited() && (limits.limitLoopback() || !address.isLoopbackAddress());
    }

    /**
     * Takes a connection slot and a token for {@code address}'s network.
     *
     * @throws LimitExceededException when its network has as many connections as allowed, has used its burst of new
     *     ones, or is new while the table is full of live networks
     */
    synchronized Slot acquire(InetAddress address) {
        if (!limits(address)) {
            return NONE;
        }
        boolean isV6 = !(address instanceof Inet4Address);
        long key = key(address);
        Map<Long, Entry> table = isV6 ? v6 : v4;
        long now = nanoTime.getAsLong();
        Entry entry = table.get(key);
        if (entry == null) {
            if (v4.size() + v6.size() >= limits.maxTracked() && (!sweep(now)
                    || v4.size() + v6.size() >= limits.maxTracked())) {
                throw refuse(LimitExceededException.of("ip table (networks tracked)", v4.size() + v6.size(), 1,
                        limits.maxTracked()));
            }
            entry = new Entry();
            entry.tokens = limits.burst();
            entry.refilledAt = now;
            table.put(key, entry);
        }
        refill(entry, now);
        int max = isV6 ? limits.connsPerIpv6() : limits.connsPerIpv4();
        String network = network(address, isV6);
        if (entry.conns >= max) {
            throw refuse(LimitExceededException.of("ip " + network + " connections", entry.conns, 1, max));
        }
        if (entry.tokens < 1) {
            throw refuse(LimitExceededException.of("ip " + network + " new connections (" + limits.newConnsPerSecond()
                    + "/s)", limits.burst() - (long) entry.tokens, 1, limits.burst()));
        }
        entry.tokens -= 1;
        entry.conns++;
        return new Slot(isV6, key);
    }

    synchronized void release(Slot slot) {
        if (slot == NONE) {
            return;
        }
        Entry entry = (slot.v6() ? v6 : v4).get(slot.key());
        if (entry != null && entry.conns > 0) {
            entry.conns--;
        } else {
            Scope.UNDERFLOWS.incrementAndGet();
        }
    }

    /** Networks tracked now. */
    synchronized int tracked() {
        return v4.size() + v6.size();
    }

    private LimitExceededException refuse(LimitExceededException refusal) {
        log.refused("ip", refusal);
        return refusal;
    }

    private void refill(Entry entry, long now) {
        double elapsed = (now - entry.refilledAt) / 1e9;
        if (elapsed > 0) {
            entry.tokens = Math.min(limits.burst(), entry.tokens + elapsed * limits.newConnsPerSecond());
            entry.refilledAt = now;
        }
    }

    /** Drops networks that hold nothing; {@code false} if it is too soon since the last sweep. */
    private boolean sweep(long now) {
        if (lastSweep != Long.MIN_VALUE && now - lastSweep < SWEEP_INTERVAL_NANOS) {
            return false;
        }
        lastSweep = now;
        for (Map<Long, Entry> table : java.util.List.of(v4, v6)) {
            for (Iterator<Entry> it = table.values().iterator(); it.hasNext(); ) {
                Entry entry = it.next();
                refill(entry, now);
                if (entry.conns == 0 && entry.tokens >= limits.burst()) {
                    it.remove();
                }
            }
        }
        return true;
    }

    /** IPv4: the address; IPv6: its first 56 bits. */
    private static long key(InetAddress address) {
        byte[] b = address.getAddress();
        long key = 0;
        int bytes = b.length == 4 ? 4 : 7;
        for (int i = 0; i < bytes; i++) {
            key = (key << 8) | (b[i] & 0xFF);
        }
        return key;
    }

    private static String network(InetAddress address, boolean isV6) {
        return isV6 ? new io.peerflux.resource.IpPrefix(address, 56).toString() : address.getHostAddress() + "/32";
    }
}
