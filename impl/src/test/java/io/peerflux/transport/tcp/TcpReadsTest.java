package io.peerflux.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.transport.RawConnection;
import io.peerflux.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Read sizes on a real loopback connection: large by default, Netty's 64 KiB once the channel asks for it. */
@Timeout(60)
class TcpReadsTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final int BULK = 4 << 20;

    final Tcp tcp = Tcp.create();
    Transport.Listener listener;
    RawConnection client;

    @AfterEach
    void close() {
        if (client != null) {
            client.channel().close().syncUninterruptibly();
        }
        if (listener != null) {
            listener.close().block(TIMEOUT);
        }
    }

    @Test
    void readsBeyond64KiBUntilTheChannelSetsNettysDefault() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        CompletableFuture<RawConnection> accepted = new CompletableFuture<>();
        listener = tcp.listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"), key, accepted::complete).block(TIMEOUT);
        client = tcp.dial(listener.address(), TIMEOUT, key, null).block(TIMEOUT);
        Channel server = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).channel();
        ReadSizes reads = new ReadSizes();
        server.eventLoop().submit(() -> {
            server.config().setAutoRead(false);
            server.pipeline().addFirst(reads);
        }).sync();

        assertThat(largestReadOf(server, reads)).isGreaterThan(AdaptiveRecvByteBufAllocator.DEFAULT_MAXIMUM);

        server.eventLoop().submit(() -> server.config().setRecvByteBufAllocator(AdaptiveRecvByteBufAllocator.DEFAULT))
                .sync();
        assertThat(largestReadOf(server, reads)).isPositive()
                .isLessThanOrEqualTo(AdaptiveRecvByteBufAllocator.DEFAULT_MAXIMUM);
    }

    /** Sends {@link #BULK} while the server does not read, lets it read, and returns its largest read. */
    private int largestReadOf(Channel server, ReadSizes reads) throws Exception {
        reads.largest.set(0);
        long before = reads.total.get();
        client.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[BULK]));
        Thread.sleep(300);
        server.eventLoop().submit(() -> server.config().setAutoRead(true)).sync();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (reads.total.get() < before + BULK && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(reads.total.get()).isEqualTo(before + BULK);
        server.eventLoop().submit(() -> server.config().setAutoRead(false)).sync();
        return reads.largest.get();
    }

    /** Records the size of every read and drops the bytes. */
    static final class ReadSizes extends ChannelInboundHandlerAdapter {
        final AtomicInteger largest = new AtomicInteger();
        final AtomicLong total = new AtomicLong();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf read = (ByteBuf) msg;
            largest.accumulateAndGet(read.readableBytes(), Math::max);
            total.addAndGet(read.readableBytes());
            read.release();
        }
    }
}
