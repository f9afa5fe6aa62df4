package io.peerflux.resource;

import io.peerflux.LimitExceededException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scope's counters and limits. Each method takes the scope's own lock for a few instructions; a reservation
 * across several scopes takes them one at a time (never two at once) and rolls back on refusal, so no interleaving
 * ever sees a counter above its limit.
 */
final class Scope {

    static final int CONN_IN = 0;
    static final int CONN_OUT = 1;
    static final int STREAM_IN = 2;
    static final int STREAM_OUT = 3;
    static final int MEMORY = 4;
    static final int FD = 5;
    private static final String[] RESOURCES = {
        "inbound connections", "outbound connections", "inbound streams", "outbound streams", "memory",
        "file descriptors"};
    /** Releases of more than was reserved, over all scopes: a bug if ever non-zero (tests assert it). */
    static final AtomicLong UNDERFLOWS = new AtomicLong();

    /** For logs and exceptions, e.g. {@code system}, {@code peer 12D3KooW…}. */
    final String name;
    /** The kind of scope, e.g. {@code peer}: what refusals are logged by. */
    final String kind;
    /** System and transient: the scopes an allowlisted connection counts in without being limited. */
    final boolean shared;
    private final ScopeLimit limit;
    private final RefusalLog log;
    private final long[] used = new long[6];

    Scope(String kind, String name, boolean shared, ScopeLimit limit, RefusalLog log) {
        this.kind = kind;
        this.name = name;
        this.shared = shared;
        this.limit = limit;
        this.log = log;
    }

    /** Adds {@code n} of {@code resource}; {@code null} when done, else the refusal (logged), nothing added. */
    LimitExceededException reserve(int resource, long n, boolean enforce) {
        LimitExceededException refusal;
        synchronized (this) {
            long current = used[resource];
            refusal = enforce ? check(resource, current, n) : null;
            if (refusal == null) {
                used[resource] = current + n;
                return null;
            }
        }
        log.refused(kind, refusal);
        return refusal;
    }

    private LimitExceededException check(int resource, long current, long n) {
        long max = limitOf(resource);
        if (current + n > max) {
            return LimitExceededException.of(name + " " + RESOURCES[resource], current, n, max);
        }
        if (resource <= STREAM_OUT) {
            int first = resource & ~1;
            long total = used[first] + used[first + 1];
            long totalMax = first == CONN_IN ? limit.conns() : limit.streams();
            if (total + n > totalMax) {
                return LimitExceededException.of(name + (first == CONN_IN ? " connections" : " streams"), total, n,
                        totalMax);
            }
        }
        return null;
    }

    synchronized void release(int resource, long n) {
        long left = used[resource] - n;
        if (left < 0) {
            UNDERFLOWS.incrementAndGet();
            left = 0;
        }
        used[resource] = left;
    }

    synchronized ResourceUsage usage() {
        return new ResourceUsage(used[CONN_IN], used[CONN_OUT], used[STREAM_IN], used[STREAM_OUT], used[MEMORY],
                used[FD]);
    }

    private long limitOf(int resource) {
        return switch (resource) {
            case CONN_IN -> limit.connsInbound();
            case CONN_OUT -> limit.connsOutbound();
            case STREAM_IN -> limit.streamsInbound();
            case STREAM_OUT -> limit.streamsOutbound();
            case MEMORY -> limit.memory();
            case FD -> limit.fds();
            default -> throw new IllegalArgumentException("resource " + resource);
        };
    }

    /**
     * Reserves {@code n} of {@code resource} in every scope of {@code path} (null entries skipped), the shared ones
     * unenforced when {@code allowlisted}; all or nothing.
     *
     * @return {@code null} when reserved, else the first refusal
     */
    static LimitExceededException reserveAll(Scope[] path, int resource, long n, boolean allowlisted) {
        if (n == 0) {
            return null;
        }
        for (int i = 0; i < path.length; i++) {
            Scope scope = path[i];
            if (scope == null) {
                continue;
            }
            LimitExceededException refusal = scope.reserve(resource, n, !(allowlisted && scope.shared));
            if (refusal != null) {
                for (int j = 0; j < i; j++) {
                    if (path[j] != null) {
                        path[j].release(resource, n);
                    }
                }
                return refusal;
            }
        }
        return null;
    }

    static void releaseAll(Scope[] path, int resource, long n) {
        if (n == 0) {
            return;
        }
        for (Scope scope : path) {
            if (scope != null) {
                scope.release(resource, n);
            }
        }
    }

    static int conn(io.peerflux.Direction direction) {
        return direction == io.peerflux.Direction.INBOUND ? CONN_IN : CONN_OUT;
    }

    static int stream(io.peerflux.Direction direction) {
        return direction == io.peerflux.Direction.INBOUND ? STREAM_IN : STREAM_OUT;
    }

    @Override
    public String toString() {
        return name + usage();
    }
}
