package io.peerflux.benchmarks.soak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector, counting what it reports so that a soak process can fail on a leak. Installed with
 * {@code -Dio.netty.customResourceLeakDetector=io.peerflux.benchmarks.soak.CountingLeakDetector} (the soak runs it
 * at {@code -Dio.netty.leakDetection.level=PARANOID}).
 */
public final class CountingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    public CountingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** The constructor Netty looks up first. */
    public CountingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (no records)");
        super.reportUntracedLeak(resourceType);
    }

    /**
     * The leaks reported so far, after giving Netty the chance to notice the rest: it only reports a leaked buffer
     * once the buffer was collected and a later allocation polls its queue, so this collects garbage and allocates
     * a few tracked buffers first.
     */
    static List<String> check() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            release(PooledByteBufAllocator.DEFAULT.directBuffer(8));
            release(PooledByteBufAllocator.DEFAULT.heapBuffer(8));
            release(UnpooledByteBufAllocator.DEFAULT.directBuffer(8));
            release(UnpooledByteBufAllocator.DEFAULT.heapBuffer(8));
            release(io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(8));
        }
        return List.copyOf(LEAKS);
    }

    private static void release(ByteBuf buf) {
        buf.release();
    }
}
