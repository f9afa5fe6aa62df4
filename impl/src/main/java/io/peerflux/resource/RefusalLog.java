package io.peerflux.resource;

import io.peerflux.LimitExceededException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refusals at INFO, at most once per interval for each kind of scope ({@code system}, {@code transient},
 * {@code peer}, {@code connection}, {@code protocol}, {@code ip}): the first refusal at once, later ones as a count
 * with the latest refusal's scope, usage and limit. The kinds are a fixed set, so this keeps a few counters whatever
 * the remote does.
 */
final class RefusalLog {

    private static final Logger log = LoggerFactory.getLogger("io.peerflux.resource");

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    RefusalLog(long intervalNanos, LongSupplier nanoTime) {
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
    }

    private static final class Kind {
        final AtomicLong unreported = new AtomicLong();
        final AtomicLong lastReport = new AtomicLong(Long.MIN_VALUE);
    }

    void refused(String kind, LimitExceededException refusal) {
        total.incrementAndGet();
        Kind k = kinds.computeIfAbsent(kind, x -> new Kind());
        k.unreported.incrementAndGet();
        long now = nanoTime.getAsLong();
        long last = k.lastReport.get();
        if ((last == Long.MIN_VALUE || now - last >= intervalNanos) && k.lastReport.compareAndSet(last, now)) {
            long count = k.unreported.getAndSet(0);
            log.info("resource limit: {} refusal(s) in the {} scope since the last report; latest: {}", count, kind,
                    refusal.getMessage());
        }
    }

    long total() {
        return total.get();
    }
}
