package io.peerflux.benchmarks.ceiling;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.peerflux.transport.quic.QuicConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import reactor.netty.resources.LoopResources;

/**
 * The bare QUIC ceiling: one Netty QUIC connection on loopback, one bidirectional stream per run from client to
 * server, 64 KiB writes while the stream is writable, the last one with FIN; the run ends when the server has
 * read everything. Settings are Peerflux's where they matter: {@link QuicConfig#defaults()}'s windows and stream
 * limit, Netty's default congestion control (Peerflux sets none), path MTU discovery up to 1452-byte UDP payloads,
 * 4 MiB UDP socket buffers, event loops made by reactor-netty as Peerflux's are (epoll when available) and, with
 * epoll, segmented sends (UDP GSO) of up to 16 packets. TLS 1.3 with a self-signed certificate and no libp2p
 * checks. Client and server each have their own event loop thread.
 */
public final class QuicPipe implements Ceiling.Pipe {

    private static final int CHUNK = 64 * 1024;
    // As Peerflux's QuicEndpoint and QuicLoops:
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final int MAX_UDP_PAYLOAD = 1452;
    private static final int SEGMENTS_PER_SEND = 16;
    private static final String ALPN = "ceiling";

    private final LoopResources serverLoop = LoopResources.create("ceiling-server", 1, true);
    private final LoopResources clientLoop = LoopResources.create("ceiling-client", 1, true);
    private final ByteBuf source = Unpooled.unreleasableBuffer(Unpooled.directBuffer(CHUNK));
    private final Channel serverSocket;
    private final Channel clientSocket;
    private final QuicChannel connection;
    /** The run in progress: completed with the bytes the server read once the stream's FIN arrived. */
    private volatile CompletableFuture<Long> current;

    private QuicPipe() throws Exception {
        byte[] random = new byte[CHUNK];
        ThreadLocalRandom.current().nextBytes(random);
        source.writeBytes(random);
        SelfSignedCertificate certificate = new SelfSignedCertificate();
        ChannelHandler server = configure(new QuicServerCodecBuilder())
                .sslContext(QuicSslContextBuilder.forServer(certificate.key(), null, certificate.cert())
                        .applicationProtocols(ALPN).build())
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segmentedSends(serverLoop))
                .handler(new ChannelInboundHandlerAdapter())
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                        stream.pipeline().addLast(new Receiver(current));
                    }
                })
                .build();
        serverSocket = bind(serverLoop, server);
        ChannelHandler client = configure(new QuicClientCodecBuilder())
                .sslContext(QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                        .applicationProtocols(ALPN).build())
                .build();
        clientSocket = bind(clientLoop, client);
        connection = QuicChannel.newBootstrap(clientSocket)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segmentedSends(clientLoop))
                .handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInboundHandlerAdapter())
                .remoteAddress(serverSocket.localAddress())
                .connect().get(10, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        Ceiling.run("QuicPipe", args, QuicPipe::new);
    }

    @Override
    public void transfer(long bytes) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        current = done;
        connection.createStream(QuicStreamType.BIDIRECTIONAL, new Sender(bytes)).sync();
        long received = done.get(5, TimeUnit.MINUTES);
        if (received != bytes) {
            throw new IllegalStateException("server received " + received + " of " + bytes + " bytes");
        }
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        clientSocket.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        serverSocket.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        clientLoop.dispose();
        serverLoop.dispose();
    }

    /** Peerflux's settings, but no idle timeout: with {@code --serve} the connection idles between transfers. */
    private static <B extends QuicCodecBuilder<B>> B configure(B builder) {
        QuicConfig config = QuicConfig.defaults();
        return builder
                .maxIdleTimeout(0, TimeUnit.MILLISECONDS)
                .initialMaxData(config.connectionReceiveWindow())
                .initialMaxStreamDataBidirectionalLocal(config.streamReceiveWindow())
                .initialMaxStreamDataBidirectionalRemote(config.streamReceiveWindow())
                .initialMaxStreamsBidirectional(config.maxInboundStreams())
                .initialMaxStreamsUnidirectional(0)
                .initialMaxStreamDataUnidirectional(0)
                .discoverPmtu(true)
                .maxSendUdpPayloadSize(MAX_UDP_PAYLOAD)
                .maxRecvUdpPayloadSize(MAX_UDP_PAYLOAD);
    }

    private static SegmentedDatagramPacketAllocator segmentedSends(LoopResources loops) {
        EventLoopGroup group = loops.onServer(LoopResources.hasNativeSupport());
        return loops.onChannelClass(DatagramChannel.class, group).getName().startsWith("io.netty.channel.epoll.")
                ? EpollQuicUtils.newSegmentedAllocator(SEGMENTS_PER_SEND) : SegmentedDatagramPacketAllocator.NONE;
    }

    private static Channel bind(LoopResources loops, ChannelHandler codec) throws InterruptedException {
        EventLoopGroup group = loops.onServer(LoopResources.hasNativeSupport());
        return new Bootstrap().group(group).channel(loops.onChannelClass(DatagramChannel.class, group))
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .handler(codec)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** Writes {@code bytes} as 64 KiB slices of one shared buffer while the stream is writable; FIN on the last. */
    private final class Sender extends ChannelInboundHandlerAdapter {
        private long left;

        Sender(long bytes) {
            left = bytes;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                pump(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
            while (left > 0 && ctx.channel().isWritable()) {
                int length = (int) Math.min(CHUNK, left);
                left -= length;
                ctx.write(new DefaultQuicStreamFrame(source.retainedSlice(0, length), left == 0));
            }
            ctx.flush();
        }
    }

    /** Counts and drops what arrives on a stream; completes its run at FIN (or when the stream ends otherwise). */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Long> done;
        private long received;

        Receiver(CompletableFuture<Long> done) {
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            received += data.readableBytes();
            data.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownReadComplete) {
                done.complete(received);
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(received);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }
}
