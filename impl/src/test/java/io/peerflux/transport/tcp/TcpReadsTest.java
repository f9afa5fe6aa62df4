package io.peerflux.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.transport.RawConnection;
import io.peerflux.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Read sizes: large by default, Netty's 64 KiB once the channel asks for it, though Netty keeps the first handle. */
@Timeout(60)
class TcpReadsTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final int BULK = 4 << 20;
    static final int NETTY_MAX = AdaptiveRecvByteBufAllocator.DEFAULT_MAXIMUM;

    @Test
    void theChannelsOneHandleGrowsBeyond64KiBThenFollowsNettysDefault() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setRecvByteBufAllocator(TcpReads.INSTANCE);
        RecvByteBufAllocator.Handle handle = channel.unsafe().recvBufAllocHandle();

        assertThat(guessAfterFullReads(channel, handle)).isGreaterThan(NETTY_MAX);

        channel.config().setRecvByteBufAllocator(AdaptiveRecvByteBufAllocator.DEFAULT);
        assertThat(channel.unsafe().recvBufAllocHandle()).as("Netty keeps the first handle").isSameAs(handle);
        assertThat(guessAfterFullReads(channel, handle)).isLessThanOrEqualTo(NETTY_MAX);
        channel.finishAndReleaseAll();
    }

    /** Eight reads that each fill the buffer the handle asked for, as a busy connection makes them. */
    private static int guessAfterFullReads(Channel channel, RecvByteBufAllocator.Handle handle) {
        for (int i = 0; i < 8; i++) {
            handle.reset(channel.config());
            int size = handle.guess();
            handle.attemptedBytesRead(size);
            handle.lastBytesRead(size);
            handle.incMessagesRead(1);
            handle.readComplete();
        }
        return handle.guess();
    }

    @Test
    void tcpConnectionsReadThroughItAndHonourALaterAllocator() throws Exception {
        Tcp tcp = Tcp.create();
        PrivateKey key = PrivateKey.generateEd25519();
        CompletableFuture<RawConnection> accepted = new CompletableFuture<>();
        Transport.Listener listener =
                tcp.listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"), key, accepted::complete).block(TIMEOUT);
        Channel client = tcp.dial(listener.address(), TIMEOUT, key, null).block(TIMEOUT).channel();
        try {
            Channel server = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).channel();
            assertThat((Object) client.config().getRecvByteBufAllocator()).isSameAs(TcpReads.INSTANCE);
            assertThat((Object) server.config().getRecvByteBufAllocator()).isSameAs(TcpReads.INSTANCE);

            ReadSizes reads = new ReadSizes(BULK);
            server.eventLoop().submit(() -> {
                server.config().setRecvByteBufAllocator(AdaptiveRecvByteBufAllocator.DEFAULT);
                server.pipeline().addFirst(reads);
            }).sync();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[BULK]));
            assertThat(reads.done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isPositive()
                    .isLessThanOrEqualTo(NETTY_MAX);
        } finally {
            client.close().syncUninterruptibly();
            listener.close().block(TIMEOUT);
        }
    }

    /** Drops what it reads; completes with the largest read once {@code expected} bytes came. Event loop only. */
    static final class ReadSizes extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        private final long expected;
        private long total;
        private int largest;

        ReadSizes(long expected) {
            this.expected = expected;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf read = (ByteBuf) msg;
            largest = Math.max(largest, read.readableBytes());
            total += read.readableBytes();
            read.release();
            if (total >= expected) {
                done.complete(largest);
            }
        }
    }
}
