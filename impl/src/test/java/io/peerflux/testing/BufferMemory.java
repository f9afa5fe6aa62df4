package io.peerflux.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the memory held by Netty's default buffer allocator, where every received byte lives. */
public final class BufferMemory implements AutoCloseable {

    private final AtomicLong peak = new AtomicLong();
    private final long baseline = used();
    private final Thread sampler;
    private volatile boolean running = true;

    private BufferMemory() {
        sampler = new Thread(() -> {
            while (running) {
                peak.accumulateAndGet(used(), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
        }, "buffer-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling every 2 ms. */
    public static BufferMemory sample() {
        return new BufferMemory();
    }

    /** The largest growth over the starting point seen so far, in bytes. */
    public long peakGrowth() {
        return Math.max(0, peak.get() - baseline);
    }

    public static long used() {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            return provider.metric().usedHeapMemory() + provider.metric().usedDirectMemory();
        }
        throw new IllegalStateException("the default allocator has no metrics: " + ByteBufAllocator.DEFAULT);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join();
    }
}
