package io.peerflux.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reported a leaked buffer during it. Registered for every test through JUnit's extension
 * auto-detection; Netty only notices a leak when a collected buffer's tracker is polled, so this collects garbage and
 * allocates a few tracked buffers before looking.
 */
public final class LeakCheckExtension implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            touch(PooledByteBufAllocator.DEFAULT.directBuffer(8));
            touch(PooledByteBufAllocator.DEFAULT.heapBuffer(8));
            touch(UnpooledByteBufAllocator.DEFAULT.directBuffer(8));
            touch(UnpooledByteBufAllocator.DEFAULT.heapBuffer(8));
        }
        List<String> leaks = RecordingLeakDetector.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) detected:\n" + String.join("\n\n", leaks));
        }
    }

    private static void touch(ByteBuf buf) {
        buf.release();
    }
}
