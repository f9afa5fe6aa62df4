package io.peerflux.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How much a TCP connection reads at once: up to 1 MiB, adapting per connection as Netty's default does, until the
 * connection's layers set another {@link RecvByteBufAllocator} on its channel config, which then takes over.
 *
 * <p>Why 1 MiB: Netty's default stops at 64 KiB, but a full Noise transport message is 65,537 bytes, so 64 KiB reads
 * split almost every message in two and the decoder copies the pieces together. Why a later allocator must take
 * over: a muxer without flow control (mplex) holds a sender back only by pausing reads, and everything one read
 * brings arrives after the pause, so it asks for smaller reads. Netty keeps the first handle a channel makes for the
 * channel's whole life; the handle made here looks at the config at the start of each read and follows a change.
 */
final class TcpReads implements RecvByteBufAllocator {

    static final TcpReads INSTANCE = new TcpReads();

    private static final int MAX_READ = 1 << 20;
    private static final AdaptiveRecvByteBufAllocator LARGE =
            new AdaptiveRecvByteBufAllocator(AdaptiveRecvByteBufAllocator.DEFAULT_MINIMUM,
                    AdaptiveRecvByteBufAllocator.DEFAULT_INITIAL, MAX_READ);

    private TcpReads() {
    }

    @Override
    public Handle newHandle() {
        return new FollowingHandle();
    }

    /** Delegates to the handle of the allocator the channel config names, made anew when that changes. */
    private final class FollowingHandle implements ExtendedHandle {

        private RecvByteBufAllocator allocator = TcpReads.this;
        private ExtendedHandle delegate = (ExtendedHandle) LARGE.newHandle();

        @Override
        public void reset(ChannelConfig config) {
            RecvByteBufAllocator configured = config.getRecvByteBufAllocator();
            if (configured != allocator) {
                allocator = configured;
                delegate = (ExtendedHandle) configured.newHandle();
            }
            delegate.reset(config);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return delegate.allocate(alloc);
        }

        @Override
        public int guess() {
            return delegate.guess();
        }

        @Override
        public void incMessagesRead(int numMessages) {
            delegate.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            delegate.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return delegate.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            delegate.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return delegate.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return delegate.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return delegate.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            delegate.readComplete();
        }
    }
}
