package io.peerflux.security.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Noise over loopback TCP on real event loops, with BlockHound watching them. */
class NoiseEventLoopTest {

    private static final String YAMUX = "/yamux/1.0.0";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterEach
    void shutdown() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void handshakeThenOneMebibyte() throws Exception {
        Noise noise = Noise.create();
        PrivateKey serverKey = PrivateKey.generateEd25519();
        PrivateKey clientKey = PrivateKey.generateEd25519();
        int total = 1 << 20;
        CompletableFuture<SecureSession> atServer = new CompletableFuture<>();
        Collector collector = new Collector(total);

        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false) // the handshake must ask for its own reads
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        noise.secure(channel, false, serverKey, null, List.of(YAMUX)).subscribe(session -> {
                            channel.pipeline().addLast(collector);
                            atServer.complete(session);
                        }, atServer::completeExceptionally);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        try {
            SecureSession atClient = noise.secure(client, true, clientKey,
                    PeerId.fromPublicKey(serverKey.publicKey()), List.of(YAMUX)).block(Duration.ofSeconds(10));

            assertThat(atClient.remotePeer()).isEqualTo(PeerId.fromPublicKey(serverKey.publicKey()));
            assertThat(atClient.earlyMuxer()).isEqualTo(YAMUX);
            assertThat(atServer.get(10, TimeUnit.SECONDS).remotePeer())
                    .isEqualTo(PeerId.fromPublicKey(clientKey.publicKey()));

            byte[] sent = NoiseTransportTest.bytes(total, 42);
            for (int offset = 0; offset < total; offset += 10_000) {
                client.write(Unpooled.wrappedBuffer(sent, offset, Math.min(10_000, total - offset)));
                if (offset % 100_000 == 0) {
                    client.flush();
                }
            }
            client.flush();
            assertThat(collector.done.get(10, TimeUnit.SECONDS)).isEqualTo(sent);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /** Gathers {@code expected} plaintext bytes on the event loop, reading as fast as they come. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final ByteBuf received = Unpooled.buffer();
        private final int expected;
        final CompletableFuture<byte[]> done = new CompletableFuture<>();

        Collector(int expected) {
            this.expected = expected;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            received.writeBytes(data);
            data.release();
            if (received.readableBytes() >= expected) {
                done.complete(ByteBufUtil.getBytes(received));
                received.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.read();
        }
    }
}
