package io.peerflux.faultlab;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.peerflux.Host;
import io.peerflux.Stream;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.mux.yamux.YamuxConfig;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.LeakCheckExtension;
import io.peerflux.transport.quic.Quic;
import io.peerflux.transport.quic.QuicConfig;
import io.peerflux.transport.tcp.Tcp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One Peerflux host in a process of its own, started by {@link FaultLab} inside a network namespace and driven over
 * stdin and stdout, one line per command and per event. It runs under the same guards as the test JVM: BlockHound
 * installed (any blocking call on a non-blocking thread is counted and fails the operation) and Netty's leak
 * detector at PARANOID; {@code quit} reports both.
 *
 * <pre>
 * FaultPeer tcp|quic LISTEN_IP|- KEEP_ALIVE_MS IDLE_TIMEOUT_MS DIAL_TIMEOUT_MS
 * </pre>
 * TCP hosts run Noise and Yamux with that keep-alive interval; QUIC hosts that idle timeout. The host listens on
 * port {@value #PORT} of {@code LISTEN_IP} ({@code -}: dial only).
 *
 * <p>Commands: {@code upload ID ADDR BYTES SEED RATE} (send {@code BYTES}, -1 for endless, of the seeded stream at
 * up to {@code RATE} bytes/s, 0 for no limit, to the {@value #SINK} of {@code ADDR}, then wait for its digest);
 * {@code download ID ADDR BYTES SEED RATE} (ask {@value #SOURCE} for them); {@code dial ID ADDR}; {@code quit}.
 * Events: {@code ready}, {@code X-progress}, {@code X-done}, {@code X-failed} for uploads, downloads, dials and
 * the serving side's {@code sink} and {@code source}, {@code connection-opened} and {@code connection-closed}; a
 * failure line ends with the exception chain, class names first.
 */
public final class FaultPeer {

    static final int PORT = 4001;
    static final String SINK = "/peerflux/faultlab/sink/1.0.0";
    static final String SOURCE = "/peerflux/faultlab/source/1.0.0";
    /** A transfer prints its progress every this many bytes. */
    static final long PROGRESS_STEP = 1 << 20;

    private static final Queue<String> OUT = new ConcurrentLinkedQueue<>();
    private static final List<String> BLOCKING = new CopyOnWriteArrayList<>();

    private FaultPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: FaultPeer tcp|quic LISTEN_IP|- KEEP_ALIVE_MS IDLE_TIMEOUT_MS DIAL_TIMEOUT_MS");
            System.exit(2);
        }
        boolean blockHound = installBlockHound();
        Thread printer = new Thread(FaultPeer::print, "faultpeer-out");
        printer.setDaemon(true);
        printer.start();

        Host host = host(args[0], args[1], Duration.ofMillis(Long.parseLong(args[2])),
                Duration.ofMillis(Long.parseLong(args[3])), Duration.ofMillis(Long.parseLong(args[4])));
        host.start().block(Duration.ofSeconds(30));
        host.connectionEvents().subscribe(event -> emit("connection-" + event.type().name().toLowerCase()
                + " " + event.connection().id() + " " + event.connection().remoteAddress()));
        emit("ready " + host.peerId() + " leak=" + ResourceLeakDetector.getLevel()
                + " blockhound=" + (blockHound ? "on" : "off"));

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            command(host, line.trim().split(" "));
        }
        host.stop().block(Duration.ofSeconds(30));
        int status = 0;
        try {
            new LeakCheckExtension().afterEach(null);
            emit("leaks 0");
        } catch (AssertionError leaks) {
            System.err.println(leaks.getMessage());
            emit("leaks " + leaks.getMessage().lines().findFirst().orElse(""));
            status = 3;
        }
        emit("blocking " + BLOCKING.size());
        BLOCKING.forEach(m -> System.err.println("blocking call: " + m));
        if (!BLOCKING.isEmpty()) {
            status = 3;
        }
        emit("bye");
        while (!OUT.isEmpty()) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        System.exit(status);
    }

    private static Host host(String transport, String listenIp, Duration keepAlive, Duration idleTimeout,
                             Duration dialTimeout) {
        HostBuilder builder = Peerflux.host()
                .security(Noise.create())
                .muxer(Yamux.create(YamuxConfig.defaults().withKeepAliveInterval(keepAlive)))
                .dialTimeout(dialTimeout)
                .handle(SINK, FaultPeer::sink)
                .handle(SOURCE, FaultPeer::source);
        switch (transport) {
            case "tcp" -> {
                builder.transport(Tcp.create());
                if (!listenIp.equals("-")) {
                    builder.listen(Multiaddr.of("/ip4/" + listenIp + "/tcp/" + PORT));
                }
            }
            case "quic" -> {
                builder.transport(Quic.create(QuicConfig.defaults().withIdleTimeout(idleTimeout)));
                if (!listenIp.equals("-")) {
                    builder.listen(Multiaddr.of("/ip4/" + listenIp + "/udp/" + PORT + "/quic-v1"));
                }
            }
            default -> throw new IllegalArgumentException("transport " + transport);
        }
        return builder.build();
    }

    // ---- commands ----

    private static void command(Host host, String[] words) {
        switch (words[0]) {
            case "upload" -> upload(host, words[1], Multiaddr.of(words[2]), Long.parseLong(words[3]),
                    Long.parseLong(words[4]), Long.parseLong(words[5]));
            case "download" -> download(host, words[1], Multiaddr.of(words[2]), Long.parseLong(words[3]),
                    Long.parseLong(words[4]), Long.parseLong(words[5]));
            case "dial" -> {
                long started = System.nanoTime();
                host.connect(Multiaddr.of(words[2])).subscribe(
                        c -> emit("dial-done " + words[1] + " " + millisSince(started) + " " + c.id()),
                        e -> emit("dial-failed " + words[1] + " " + millisSince(started) + " " + chain(e)));
            }
            default -> emit("unknown-command " + String.join(" ", words));
        }
    }

    /** Sends the seeded stream to a sink, half-closes, and reads back the sink's count and digest. */
    private static void upload(Host host, String id, Multiaddr address, long bytes, long seed, long rate) {
        long started = System.nanoTime();
        SeededBytes data = new SeededBytes(seed);
        host.newStream(address, SINK)
                .flatMap(stream -> stream.send(chunks(data, bytes, rate, "upload-progress " + id))
                        .then(stream.closeWrite())
                        .then(collect(stream.receive()))
                        .map(reply -> {
                            long count = Unpooled.wrappedBuffer(reply).readLong();
                            String digest = HexFormat.of().formatHex(reply, 8, 40);
                            return count + " " + digest;
                        }))
                .subscribe(remote -> emit("upload-done " + id + " " + millisSince(started) + " "
                                + data.digest().bytes() + " " + data.digest().hex() + " " + remote),
                        e -> emit("upload-failed " + id + " " + millisSince(started) + " "
                                + data.digest().bytes() + " " + chain(e)));
    }

    /** Asks a source for the seeded stream and hashes what arrives. */
    private static void download(Host host, String id, Multiaddr address, long bytes, long seed, long rate) {
        long started = System.nanoTime();
        SeededBytes.Digest received = new SeededBytes.Digest();
        ByteBuf request = Unpooled.buffer(24).writeLong(bytes).writeLong(seed).writeLong(rate);
        host.newStream(address, SOURCE)
                .flatMap(stream -> stream.send(Mono.just(request))
                        .then(stream.closeWrite())
                        .thenMany(stream.receive())
                        .doOnNext(buf -> progress(received, buf, "download-progress " + id))
                        .then())
                .subscribe(null,
                        e -> emit("download-failed " + id + " " + millisSince(started) + " " + received.bytes()
                                + " " + chain(e)),
                        () -> emit("download-done " + id + " " + millisSince(started) + " " + received.bytes()
                                + " " + received.hex()));
    }

    // ---- serving ----

    private static Mono<Void> sink(Stream stream) {
        long started = System.nanoTime();
        SeededBytes.Digest received = new SeededBytes.Digest();
        String id = stream.id();
        return stream.receive()
                .doOnNext(buf -> progress(received, buf, "sink-progress " + id))
                .then(Mono.defer(() -> {
                    emit("sink-done " + id + " " + millisSince(started) + " " + received.bytes() + " "
                            + received.hex());
                    ByteBuf reply = ByteBufAllocator.DEFAULT.buffer(40).writeLong(received.bytes())
                            .writeBytes(HexFormat.of().parseHex(received.hex()));
                    return stream.send(Mono.just(reply));
                }))
                .doOnError(e -> emit("sink-failed " + id + " " + millisSince(started) + " " + received.bytes()
                        + " " + chain(e)));
    }

    private static Mono<Void> source(Stream stream) {
        long started = System.nanoTime();
        String id = stream.id();
        SeededBytes[] data = new SeededBytes[1];
        return collect(stream.receive())
                .flatMap(request -> {
                    ByteBuf r = Unpooled.wrappedBuffer(request);
                    long bytes = r.readLong();
                    data[0] = new SeededBytes(r.readLong());
                    return stream.send(chunks(data[0], bytes, r.readLong(), "source-progress " + id));
                })
                .doOnSuccess(v -> emit("source-done " + id + " " + millisSince(started) + " "
                        + data[0].digest().bytes() + " " + data[0].digest().hex()))
                .doOnError(e -> emit("source-failed " + id + " " + millisSince(started) + " "
                        + (data[0] == null ? 0 : data[0].digest().bytes()) + " " + chain(e)));
    }

    /**
     * {@code bytes} of {@code data} (-1: endless) in {@link SeededBytes#CHUNK} chunks, or at {@code rate} bytes/s in
     * chunks of a hundredth of it every 10 ms (ticks that find the stream without send window are skipped).
     */
    private static Flux<ByteBuf> chunks(SeededBytes data, long bytes, long rate, String progressLabel) {
        long total = bytes < 0 ? Long.MAX_VALUE : bytes;
        int chunk = rate <= 0 ? SeededBytes.CHUNK : (int) Math.max(8, Math.min(SeededBytes.CHUNK, rate / 100 / 8 * 8));
        Flux<Integer> ticks = rate <= 0 ? Flux.generate(sink -> sink.next(0))
                : Flux.interval(Duration.ofMillis(10)).onBackpressureDrop().map(t -> 0);
        AtomicLong progress = new AtomicLong();
        return ticks
                .takeWhile(t -> data.digest().bytes() < total)
                .map(t -> {
                    ByteBuf buf = data.next(ByteBufAllocator.DEFAULT,
                            (int) Math.min(chunk, total - data.digest().bytes()));
                    long sent = data.digest().bytes();
                    if (sent / PROGRESS_STEP > progress.get()) {
                        progress.set(sent / PROGRESS_STEP);
                        emit(progressLabel + " " + sent);
                    }
                    return buf;
                });
    }

    private static void progress(SeededBytes.Digest digest, ByteBuf buf, String label) {
        long before = digest.bytes() / PROGRESS_STEP;
        digest.update(buf);
        if (digest.bytes() / PROGRESS_STEP > before) {
            emit(label + " " + digest.bytes());
        }
    }

    /** Every byte of {@code data}, copied out of its buffers. */
    private static Mono<byte[]> collect(Flux<ByteBuf> data) {
        return data.reduce(new byte[0], (all, buf) -> {
            byte[] more = new byte[all.length + buf.readableBytes()];
            System.arraycopy(all, 0, more, 0, all.length);
            buf.readBytes(more, all.length, buf.readableBytes());
            return more;
        });
    }

    // ---- output ----

    /** Queues a line for stdout: writing to a pipe blocks, which BlockHound rightly forbids on event loops. */
    static void emit(String line) {
        OUT.add(line);
    }

    private static void print() {
        while (true) {
            String line;
            boolean any = false;
            while ((line = OUT.poll()) != null) {
                System.out.println(line);
                any = true;
            }
            if (any) {
                System.out.flush();
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** The exception and its causes: {@code Class: message <- Class: message}. */
    static String chain(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (s.length() > 0) {
                s.append(" <- ");
            }
            s.append(t.getClass().getName()).append(": ").append(String.valueOf(t.getMessage()).replace('\n', ' '));
        }
        return s.toString();
    }

    /** Installs BlockHound, counting every blocking call it catches; {@code true} once it has proven it is on. */
    private static boolean installBlockHound() {
        BlockHound.install(builder -> builder.blockingMethodCallback(method -> {
            BLOCKING.add(method + " on " + Thread.currentThread().getName());
            throw new BlockingOperationError(method);
        }));
        try {
            Mono.fromCallable(() -> {
                Thread.sleep(1);
                return 1;
            }).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));
            return false;
        } catch (RuntimeException e) {
            boolean caught = e.getCause() instanceof BlockingOperationError;
            BLOCKING.clear();
            return caught;
        }
    }
}
