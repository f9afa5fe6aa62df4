package io.peerflux.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets Netty's adaptive allocator (the default buffer allocator of Netty 4.2) grow its shared magazines on an event
 * loop. When threads contend for a size class it adds magazines and frees the old ones under a {@code StampedLock}
 * write lock held for a few instructions; Netty's own BlockHound integration allows the pooled allocator's arena
 * locks but not this one, so BlockHound reports a blocking call (a known false positive). Loaded by
 * {@code BlockHound.install()} through {@code META-INF/services}.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup",
                "tryExpandMagazines");
    }
}
