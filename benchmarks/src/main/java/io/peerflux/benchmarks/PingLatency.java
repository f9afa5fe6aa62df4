package io.peerflux.benchmarks;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.protocol.ping.Ping;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpResources;
import reactor.netty.tcp.TcpServer;

/**
 * Ping round-trip percentiles over an established Peerflux connection (TCP + Noise + Yamux, {@code /ipfs/ping/1.0.0}
 * through the public {@link Ping#ping} operator), against a bare TCP echo of 32 bytes in the same run, all in this
 * one JVM on loopback. Two bare echoes are measured:
 * <ul>
 *   <li>{@code tcp-netty}: the same I/O stack Peerflux's TCP transport uses (reactor-netty's shared event loops,
 *       epoll or NIO, TCP_NODELAY, the reactive bridge removed), with the round trip timed on the event loop the
 *       way {@link Ping} times it: the ratio to this one is the cost of the libp2p layers;</li>
 *   <li>{@code tcp-blocking}: {@code java.net.Socket}s and two threads, the floor of any JVM echo.</li>
 * </ul>
 * The three are interleaved, {@code rounds} times, after a warm-up; each prints p50, p90, p99 and p99.9, and the
 * CPU time all threads of the JVM spent per ping (both ends), which tells processing from waiting.
 *
 * <p>Usage: {@code PingLatency [pingsPerRound=2000] [rounds=5] [warmupPings=20000]}
 */
public final class PingLatency {

    static final int PAYLOAD = Ping.PAYLOAD_SIZE;
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    public static void main(String[] args) throws Exception {
        int pings = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;

        Host server = ConnectionSetupBenchmark.host().listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")).build();
        server.start().block(TIMEOUT);
        Host client = ConnectionSetupBenchmark.host().build();
        Connection connection = ConnectionSetupBenchmark.connect(client, server);
        NettyEcho netty = new NettyEcho();
        BlockingEcho blocking = new BlockingEcho();
        try {
            Histogram peerflux = histogram();
            Histogram bareNetty = histogram();
            Histogram bareBlocking = histogram();
            for (int i = 0; i < warmup; i += pings) {
                pingPeerflux(connection, pings, histogram());
                netty.ping(pings, histogram());
                blocking.ping(pings, histogram());
            }
            long[] cpu = new long[3];
            for (int round = 0; round < rounds; round++) {
                long t0 = cpuNanos();
                pingPeerflux(connection, pings, peerflux);
                long t1 = cpuNanos();
                netty.ping(pings, bareNetty);
                long t2 = cpuNanos();
                blocking.ping(pings, bareBlocking);
                cpu[0] += t1 - t0;
                cpu[1] += t2 - t1;
                cpu[2] += cpuNanos() - t2;
            }
            System.out.printf("ping RTT, %d x %d pings each, 32 bytes, loopback, one JVM, %s %s%n", rounds, pings,
                    System.getProperty("java.vm.name"), System.getProperty("java.version"));
            System.out.printf("%-28s %9s %9s %9s %9s %11s%n", "(microseconds)", "p50", "p90", "p99", "p99.9",
                    "CPU/ping");
            long total = (long) rounds * pings;
            print("peerflux tcp+noise+yamux", peerflux, cpu[0] / total);
            print("tcp-netty (same I/O stack)", bareNetty, cpu[1] / total);
            print("tcp-blocking (java.net)", bareBlocking, cpu[2] / total);
            double median = peerflux.getValueAtPercentile(50);
            System.out.printf("median ratio peerflux / tcp-netty:    %.2f%n", median / bareNetty.getValueAtPercentile(50));
            System.out.printf("median ratio peerflux / tcp-blocking: %.2f%n",
                    median / bareBlocking.getValueAtPercentile(50));
        } finally {
            netty.close();
            blocking.close();
            client.stop().block(TIMEOUT);
            server.stop().block(TIMEOUT);
        }
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    }

    private static void print(String name, Histogram h, long cpuNanosPerPing) {
        System.out.printf("%-28s %9.1f %9.1f %9.1f %9.1f %11.1f%n", name, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, cpuNanosPerPing / 1e3);
    }

    /** CPU time of every live thread of this JVM (both ends of each echo, and the JIT and GC as they run). */
    private static long cpuNanos() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long cpu : threads.getThreadCpuTime(threads.getAllThreadIds())) {
            sum += Math.max(0, cpu);
        }
        return sum;
    }

    /** One stream, {@code count} pings one after the other; RTTs as {@link Ping} measures them. */
    private static void pingPeerflux(Connection connection, int count, Histogram into) {
        Ping.ping(connection, count).doOnNext(rtt -> into.recordValue(rtt.toNanos())).blockLast(TIMEOUT);
    }

    /** An echo server and one connected client on reactor-netty's shared TCP loops, timed on the event loop. */
    static final class NettyEcho {

        private final DisposableServer server;
        private final Channel client;
        private final Pinger pinger = new Pinger();

        NettyEcho() {
            server = TcpServer.create()
                    .runOn(TcpResources.get())
                    .host("127.0.0.1")
                    .port(0)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .doOnConnection(c -> bare(c.channel()).pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    }))
                    .bindNow();
            client = bare(TcpClient.newConnection()
                    .runOn(TcpResources.get())
                    .remoteAddress(server::address)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .connectNow()
                    .channel());
            client.pipeline().addLast(pinger);
        }

        private static Channel bare(Channel channel) {
            if (channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
                channel.pipeline().remove(NettyPipeline.ReactiveBridge);
            }
            channel.config().setAutoRead(true);
            return channel;
        }

        void ping(int count, Histogram into) throws Exception {
            CompletableFuture<Void> done = new CompletableFuture<>();
            client.eventLoop().execute(() -> pinger.start(client, count, into, done));
            done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        void close() {
            client.close().syncUninterruptibly();
            server.disposeNow();
        }

        /** Sends 32 bytes, waits for 32 back, records the time, repeats; all on the client's event loop. */
        static final class Pinger extends ChannelInboundHandlerAdapter {
            private final byte[] payload = new byte[PAYLOAD];
            private Channel channel;
            private int remaining;
            private int received;
            private long sentAt;
            private Histogram into;
            private CompletableFuture<Void> done;

            void start(Channel channel, int count, Histogram into, CompletableFuture<Void> done) {
                this.channel = channel;
                this.remaining = count;
                this.into = into;
                this.done = done;
                send();
            }

            private void send() {
                ThreadLocalRandom.current().nextBytes(payload);
                received = 0;
                sentAt = System.nanoTime();
                channel.writeAndFlush(Unpooled.wrappedBuffer(payload.clone()));
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf data = (ByteBuf) msg;
                received += data.readableBytes();
                data.release();
                if (received >= PAYLOAD) {
                    into.recordValue(System.nanoTime() - sentAt);
                    if (--remaining > 0) {
                        send();
                    } else {
                        done.complete(null);
                    }
                }
            }
        }
    }

    /** A blocking echo: a server thread, and the caller's thread as the client. */
    static final class BlockingEcho {

        private final ServerSocket listener;
        private final Socket client;
        private final Thread serverThread;

        BlockingEcho() throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            serverThread = new Thread(this::serve, "blocking-echo");
            serverThread.setDaemon(true);
            serverThread.start();
            client = new Socket();
            client.setTcpNoDelay(true);
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
        }

        private void serve() {
            try (Socket socket = listener.accept()) {
                socket.setTcpNoDelay(true);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[PAYLOAD];
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // the client closed
            }
        }

        void ping(int count, Histogram into) throws IOException {
            byte[] payload = new byte[PAYLOAD];
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < count; i++) {
                ThreadLocalRandom.current().nextBytes(payload);
                long sentAt = System.nanoTime();
                out.write(payload);
                if (in.readNBytes(PAYLOAD).length != PAYLOAD) {
                    throw new IOException("echo closed");
                }
                into.recordValue(System.nanoTime() - sentAt);
            }
        }

        void close() throws IOException {
            client.close();
            listener.close();
        }
    }
}
