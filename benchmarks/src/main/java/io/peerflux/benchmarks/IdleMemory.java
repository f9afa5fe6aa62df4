package io.peerflux.benchmarks;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.internal.PlatformDependent;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Memory held per idle TCP + Noise + Yamux connection, client and server in two JVMs (run by
 * {@code benchmarks/idle-memory.sh}).
 *
 * <pre>
 * IdleMemory server                         prints "listening MULTIADDR", then serves until stdin closes
 * IdleMemory client MULTIADDR 1000,10000    opens that many connections in steps and prints the table
 * </pre>
 *
 * Each JVM measures itself ({@link Snapshot#take}): heap used after full GCs, plus direct memory (NIO direct buffers
 * and Netty's own direct allocations). The client asks the server for its snapshot over the
 * {@value #MEASURE} protocol on the first connection. The baseline is taken with that one connection open; each
 * step reports (snapshot − baseline) / connections added, once identify has finished on every connection and the
 * connections have sat idle for {@code settle} seconds.
 */
public final class IdleMemory {

    static final String MEASURE = "/peerflux-bench/memory/1.0.0";
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("server")) {
            server();
        } else if (args.length >= 3 && args[0].equals("client")) {
            int settle = args.length > 3 ? Integer.parseInt(args[3]) : 5;
            int concurrency = args.length > 4 ? Integer.parseInt(args[4]) : 32;
            client(Multiaddr.of(args[1]), Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray(),
                    settle, concurrency);
        } else {
            System.err.println("usage: IdleMemory server | client MULTIADDR COUNTS [settleSeconds] [concurrency]");
            System.exit(2);
        }
    }

    private static void server() throws Exception {
        // Counted (the bookkeeping is part of what a connection costs) but not limited: one client holds them all.
        Host server = ConnectionSetupBenchmark.host()
                .resourceLimits(io.peerflux.resource.ResourceLimits.unlimited())
                .handle(MEASURE, stream -> stream.send(Mono.fromCallable(() -> ByteBufUtil.writeUtf8(
                                ByteBufAllocator.DEFAULT, Snapshot.take().encode() + "\n"))
                        .subscribeOn(Schedulers.boundedElastic())))
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .build();
        server.start().block(TIMEOUT);
        System.out.println("listening " + server.listenAddresses().get(0) + "/p2p/" + server.peerId());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the script closes our stdin
        }
        server.stop().block(TIMEOUT);
    }

    private static void client(Multiaddr server, int[] steps, int settle, int concurrency) throws Exception {
        Host client = ConnectionSetupBenchmark.host().build();
        Connection first = client.connect(server).block(TIMEOUT);
        first.identify().block(TIMEOUT);
        Multiaddr fresh = server.withoutPeerId(); // no /p2p: every connect dials a new connection
        List<Connection> open = new ArrayList<>();
        Thread.sleep(settle * 1000L);
        Snapshot clientBase = Snapshot.take();
        Snapshot serverBase = remote(first);
        System.out.printf("baseline (1 connection): client %s | server %s%n", clientBase, serverBase);
        System.out.printf("%11s %6s %14s %14s %14s %14s %14s%n", "connections", "side", "heap B/conn",
                "direct B/conn", "total B/conn", "heap MiB", "direct MiB");
        for (int target : steps) {
            int toOpen = target - open.size();
            long started = System.nanoTime();
            open.addAll(Flux.range(0, toOpen)
                    .flatMap(i -> client.connect(fresh).flatMap(c -> c.identify().thenReturn(c)), concurrency)
                    .collectList()
                    .block(TIMEOUT));
            System.err.printf("opened %d connections in %.1f s%n", open.size(), (System.nanoTime() - started) / 1e9);
            Thread.sleep(settle * 1000L);
            report(open.size(), "client", clientBase, Snapshot.take());
            report(open.size(), "server", serverBase, remote(first));
        }
        long alive = open.stream().filter(Connection::isOpen).count();
        System.out.printf("%d of %d connections still open at the end%n", alive, open.size());
        client.stop().block(TIMEOUT);
    }

    private static Snapshot remote(Connection connection) {
        String line = connection.newStream(MEASURE)
                .flatMap(stream -> stream.closeWrite().then(stream.receive()
                        .map(buf -> buf.toString(StandardCharsets.UTF_8))
                        .reduce(String::concat)))
                .block(TIMEOUT);
        return Snapshot.decode(line.trim());
    }

    private static void report(int connections, String side, Snapshot base, Snapshot now) {
        long heap = (now.heap - base.heap) / connections;
        long direct = (now.direct() - base.direct()) / connections;
        System.out.printf("%11d %6s %14d %14d %14d %14.1f %14.1f%n", connections, side, heap, direct, heap + direct,
                now.heap / 1048576.0, now.direct() / 1048576.0);
    }

    /**
     * One JVM's memory: heap used after full GCs; direct memory as NIO buffers plus Netty's cleaner-less direct
     * allocations (the two do not overlap); and, for information, what Netty's default allocator holds.
     */
    record Snapshot(long heap, long nioDirect, long nettyDirect, long allocatorDirect) {

        long direct() {
            return nioDirect + Math.max(0, nettyDirect);
        }

        static Snapshot take() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long nio = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct"))
                    .mapToLong(BufferPoolMXBean::getMemoryUsed)
                    .sum();
            long allocator = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider metrics
                    ? metrics.metric().usedDirectMemory() : -1;
            return new Snapshot(heap, nio, PlatformDependent.usedDirectMemory(), allocator);
        }

        String encode() {
            return heap + " " + nioDirect + " " + nettyDirect + " " + allocatorDirect;
        }

        static Snapshot decode(String line) {
            long[] v = Arrays.stream(line.split(" ")).mapToLong(Long::parseLong).toArray();
            return new Snapshot(v[0], v[1], v[2], v[3]);
        }

        @Override
        public String toString() {
            return String.format("heap %.1f MiB, direct %.1f MiB (nio %.1f, netty %.1f; default allocator holds %.1f)",
                    heap / 1048576.0, direct() / 1048576.0, nioDirect / 1048576.0, nettyDirect / 1048576.0,
                    allocatorDirect / 1048576.0);
        }
    }
}
