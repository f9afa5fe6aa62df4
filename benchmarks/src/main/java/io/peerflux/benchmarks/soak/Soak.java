package io.peerflux.benchmarks.soak;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.internal.PlatformDependent;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.Stream;
import io.peerflux.host.ConnectionManagerConfig;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.resource.ResourceLimits;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.tcp.Tcp;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The soak: many connections, each with many streams, held open between two JVMs, then data echoed and verified on
 * every stream, with both processes' memory measured and Netty's leak detector at PARANOID. Run by
 * {@code benchmarks/soak.sh} (10,000 connections × 10 streams) and, small, by {@code SoakTest} in CI.
 *
 * <pre>
 * Soak server                                          prints "listening MULTIADDR", serves until stdin closes,
 *                                                      then checks for leaks (exit 3 if any)
 * Soak client MULTIADDR CONNECTIONS STREAMS BYTES LIMIT_MIB HOLD_SECONDS
 * </pre>
 *
 * The client opens {@code CONNECTIONS} TCP + Noise + Yamux connections to the server (a new one per dial) and
 * {@code STREAMS} {@code /echo/1.0.0} streams on each, all at once; holds them idle for {@code HOLD_SECONDS}; then
 * sends {@code BYTES} seeded bytes on every stream, half-closes it, and checks that exactly those bytes come back
 * (SHA-256). Memory is measured in both processes (the server's over a stream of {@value #MEASURE}) after full
 * collections: live heap, direct memory (NIO and Netty's own), and the resident set and its peak from
 * {@code /proc/self/status}. The client exits 1 when any stream lost, changed or added a byte or failed, when a
 * connection dropped, when it leaked a buffer, or when the two peaks ({@code VmHWM}) add up to more than
 * {@code LIMIT_MIB}; its last line is {@code soak result key=value …}.
 *
 * <p>Both hosts count everything in the resource manager but limit nothing ({@link ResourceLimits#unlimited()}:
 * the default limits are sized for many peers, not one client holding 10,000 connections), and raise the connection
 * manager's watermarks above the connection count and its idle-stream timeout to an hour, so neither trims what the
 * soak holds on purpose.
 */
public final class Soak {

    static final String MEASURE = "/peerflux-soak/memory/1.0.0";
    static final Duration TIMEOUT = Duration.ofMinutes(30);

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        boolean counting = ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Soak.class)
                instanceof CountingLeakDetector;
        if (!counting || ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            // Without them a leak would only be logged, and the soak could not fail on one.
            System.err.println("run with -Dio.netty.leakDetection.level=PARANOID -Dio.netty.customResourceLeakDetector="
                    + CountingLeakDetector.class.getName());
            System.exit(2);
        }
        if (args.length == 1 && args[0].equals("server")) {
            System.exit(server());
        } else if (args.length == 7 && args[0].equals("client")) {
            System.exit(client(Multiaddr.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Long.parseLong(args[5]), Integer.parseInt(args[6])));
        } else {
            System.err.println("usage: Soak server | Soak client MULTIADDR CONNECTIONS STREAMS BYTES LIMIT_MIB "
                    + "HOLD_SECONDS");
            System.exit(2);
        }
    }

    private static HostBuilder host() {
        return Peerflux.host()
                .transport(Tcp.create())
                .security(Noise.create())
                .muxer(Yamux.create())
                .resourceLimits(ResourceLimits.unlimited())
                .connectionManager(ConnectionManagerConfig.defaults()
                        .withWatermarks(1_000_000, 1_000_000)
                        .withIdleStreamTimeout(Duration.ofHours(1)));
    }

    // ---- server ----

    private static int server() throws Exception {
        Host server = host()
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .handle(MEASURE, stream -> stream.send(Mono.fromCallable(() -> ByteBufUtil.writeUtf8(
                                ByteBufAllocator.DEFAULT, Memory.take().encode() + "\n"))
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
        List<String> leaks = CountingLeakDetector.check();
        leaks.forEach(System.err::println);
        System.out.println("server leaks " + leaks.size() + " (leak detection " + ResourceLeakDetector.getLevel()
                + ")");
        return leaks.isEmpty() ? 0 : 3;
    }

    // ---- client ----

    private static int client(Multiaddr server, int connections, int streamsPerConnection, int bytes, long limitMiB,
                              int holdSeconds) throws Exception {
        Host client = host().build();
        client.start().block(TIMEOUT);
        // The first connection (to the server's peer id) carries the memory measurements; the others are dialed
        // without /p2p so that each dial makes a new connection.
        Connection control = client.connect(server).block(TIMEOUT);
        Multiaddr fresh = server.withoutPeerId();
        Memory clientBase = Memory.take();
        Memory serverBase = remote(control);
        System.out.printf("leak detection %s; baseline (1 connection): client %s | server %s%n",
                ResourceLeakDetector.getLevel(), clientBase, serverBase);

        long started = System.nanoTime();
        AtomicLong opened = new AtomicLong();
        List<Stream> streams = Flux.range(0, connections)
                .flatMap(i -> client.connect(fresh)
                        .doOnNext(c -> {
                            long n = opened.incrementAndGet();
                            if (n % 1000 == 0) {
                                System.err.printf("%d connections open after %.1f s%n", n,
                                        (System.nanoTime() - started) / 1e9);
                            }
                        })
                        .flatMapMany(c -> Flux.range(0, streamsPerConnection)
                                .flatMap(j -> c.newStream(Echo.PROTOCOL_ID))), 64)
                .collectList()
                .block(TIMEOUT);
        double openSeconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("opened %d connections and %d streams in %.1f s%n", connections, streams.size(),
                openSeconds);

        Thread.sleep(holdSeconds * 1000L);
        long openConnections = client.connections().size() - 1L;
        Memory clientHeld = Memory.take();
        Memory serverHeld = remote(control);
        report("held", streams.size(), clientBase, clientHeld, serverBase, serverHeld);

        long echoStarted = System.nanoTime();
        AtomicLong verified = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        Flux.range(0, streams.size())
                .flatMap(i -> echo(streams.get(i), i, bytes)
                        .doOnNext(ok -> verified.incrementAndGet())
                        .onErrorResume(e -> {
                            failures.add("stream " + i + ": " + e);
                            return Mono.empty();
                        }), 1024)
                .blockLast(TIMEOUT);
        double echoSeconds = (System.nanoTime() - echoStarted) / 1e9;
        long lost = (long) connections * streamsPerConnection - verified.get();
        System.out.printf("echoed %d bytes on each of %d streams in %.1f s; %d streams lost, changed or failed%n",
                bytes, verified.get(), echoSeconds, lost);
        failures.stream().limit(10).forEach(f -> System.out.println("  " + f));

        // Let go of the soak's own references, so that what stays is what Peerflux keeps: the connections are still
        // open, and their closed streams should be forgotten.
        int streamCount = streams.size();
        streams.clear();
        Memory clientAfter = Memory.take();
        Memory serverAfter = remote(control);
        report("after echo", streamCount, clientBase, clientAfter, serverBase, serverAfter);
        client.stop().block(TIMEOUT);
        List<String> leaks = CountingLeakDetector.check();
        leaks.forEach(System.err::println);

        long totalPeakMiB = (clientAfter.hwmKiB() + serverAfter.hwmKiB()) / 1024;
        boolean ok = lost == 0 && openConnections == connections && leaks.isEmpty() && totalPeakMiB <= limitMiB;
        System.out.printf("soak result ok=%s connections=%d openAfterHold=%d streams=%d bytesPerStream=%d lost=%d"
                        + " clientLeaks=%d openSeconds=%.1f echoSeconds=%.1f clientPeakMiB=%d serverPeakMiB=%d"
                        + " totalPeakMiB=%d limitMiB=%d%n", ok, connections, openConnections, streamCount, bytes,
                lost, leaks.size(), openSeconds, echoSeconds, clientAfter.hwmKiB() / 1024,
                serverAfter.hwmKiB() / 1024, totalPeakMiB, limitMiB);
        return ok ? 0 : 1;
    }

    /** Sends {@code bytes} bytes of the seed {@code seed}, half-closes, and checks that the same bytes come back. */
    private static Mono<Boolean> echo(Stream stream, long seed, int bytes) {
        byte[] data = new byte[bytes];
        new SplittableRandom(seed).nextBytes(data);
        MessageDigest received = sha256();
        long[] count = {0};
        Mono<Void> sent = stream.send(Mono.just(Unpooled.wrappedBuffer(data))).then(stream.closeWrite());
        Mono<Void> echoed = stream.receive().doOnNext(buf -> {
            count[0] += buf.readableBytes();
            for (ByteBuffer part : buf.nioBuffers()) {
                received.update(part);
            }
        }).then();
        return Mono.when(sent, echoed).then(Mono.fromCallable(() -> {
            if (count[0] != bytes || !Arrays.equals(received.digest(), sha256().digest(data))) {
                throw new IllegalStateException("sent " + bytes + " bytes, " + count[0] + " other bytes came back");
            }
            return true;
        }));
    }

    private static Memory remote(Connection connection) {
        String line = connection.newStream(MEASURE)
                .flatMap(stream -> stream.closeWrite().then(stream.receive()
                        .map(buf -> buf.toString(StandardCharsets.UTF_8))
                        .reduce(String::concat)))
                .block(TIMEOUT);
        return Memory.decode(line.trim());
    }

    private static void report(String phase, int streams, Memory clientBase, Memory client, Memory serverBase,
                               Memory server) {
        System.out.printf("%s: client %s | server %s%n", phase, client, server);
        System.out.printf("%s, per stream over the baseline: client heap %d B, direct %d B; server heap %d B,"
                        + " direct %d B; resident sets together %.0f MiB (peaks %.0f MiB)%n", phase,
                (client.heapUsed() - clientBase.heapUsed()) / streams,
                (client.direct() - clientBase.direct()) / streams,
                (server.heapUsed() - serverBase.heapUsed()) / streams,
                (server.direct() - serverBase.direct()) / streams,
                (client.rssKiB() + server.rssKiB()) / 1024.0, (client.hwmKiB() + server.hwmKiB()) / 1024.0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One JVM's memory: heap used after full collections and committed, direct memory (NIO buffers plus Netty's
     * cleaner-less allocations), and the process's resident set and its peak ({@code VmRSS}, {@code VmHWM}).
     */
    record Memory(long heapUsed, long heapCommitted, long direct, long rssKiB, long hwmKiB) {

        static Memory take() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            long nio = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct"))
                    .mapToLong(BufferPoolMXBean::getMemoryUsed)
                    .sum();
            return new Memory(heap.getUsed(), heap.getCommitted(), nio + Math.max(0,
                    PlatformDependent.usedDirectMemory()), status("VmRSS:"), status("VmHWM:"));
        }

        private static long status(String field) {
            try {
                return Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(l -> l.startsWith(field))
                        .mapToLong(l -> Long.parseLong(l.substring(field.length()).replace("kB", "").trim()))
                        .findFirst().orElse(-1);
            } catch (IOException e) {
                return -1;
            }
        }

        String encode() {
            return heapUsed + " " + heapCommitted + " " + direct + " " + rssKiB + " " + hwmKiB;
        }

        static Memory decode(String line) {
            long[] v = Arrays.stream(line.split(" ")).mapToLong(Long::parseLong).toArray();
            return new Memory(v[0], v[1], v[2], v[3], v[4]);
        }

        @Override
        public String toString() {
            return String.format("heap %.0f MiB (committed %.0f), direct %.0f MiB, resident %.0f MiB (peak %.0f)",
                    heapUsed / 1048576.0, heapCommitted / 1048576.0, direct / 1048576.0, rssKiB / 1024.0,
                    hwmKiB / 1024.0);
        }
    }
}
