package io.peerflux.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Event loops contending for Netty's adaptive allocator make it expand its shared magazines under a lock; BlockHound
 * must not report that ({@link NettyAllocatorBlockHoundIntegration}).
 */
class AdaptiveAllocatorContentionTest {

    @Test
    void contendedLargeAllocationsOnEventLoopsAreNotReportedAsBlocking() throws Exception {
        ByteBufAllocator allocator = new AdaptiveByteBufAllocator(); // fresh, so its magazines still have to grow
        int loops = 4;
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, NioIoHandler.newFactory());
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < loops; i++) {
                done.add(group.next().submit(() -> {
                    for (int n = 0; n < 20_000; n++) {
                        allocator.directBuffer(64 * 1024).release();
                    }
                    return 1;
                }));
            }
            for (Future<Integer> future : done) {
                assertThat(future.get(60, TimeUnit.SECONDS)).isOne();
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
