package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.memory.MemoryTransport;
import io.peerflux.transport.tcp.Tcp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A flood of fresh peer ids, each announcing a huge agent version: the peerstore stays under its cap and keeps only a
 * bounded agent version per peer, and the host keeps serving (the hardening issue's first finding, replayed: before
 * the peerstore was bounded, about 4,000 such peers exhausted a 256 MiB heap for good).
 */
class PeerstoreFloodTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final int CAP = 100;
    static final int FLOOD = 400;
    /** The replay's size: the hardening issue's target. */
    static final int FRESH_PEERS = Integer.getInteger("peerflux.flood.peers", 10_000);
    /** Each attacker's identify record is about 60 KB: 256 protocols (the most a peer's record keeps) of 234 bytes. */
    static final int PROTOCOLS = 256;
    static final Path TARGET_LOG = Path.of("target", "peerstore-flood-target.log");
    static final Pattern STATE = Pattern.compile("peers=(\\d+) heapAfterGc=(\\d+)");

    @Test
    void freshPeerIdsCannotGrowThePeerstorePastItsCap() {
        Host server = Peerflux.host().transport(MemoryTransport.create()).security(Noise.create())
                .muxer(Yamux.create()).handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/memory/0")).peerstoreCapacity(CAP).build();
        server.start().block(WAIT);
        try {
            String huge = "a".repeat(60_000);
            for (int i = 0; i < FLOOD; i++) {
                Host attacker = Peerflux.host().transport(MemoryTransport.create()).security(Noise.create())
                        .muxer(Yamux.create()).agentVersion(huge).build();
                try {
                    attacker.connect(TestHosts.address(server)).flatMap(c -> c.newStream(Echo.PROTOCOL_ID)
                            .flatMap(s -> s.reset())).block(WAIT);
                } finally {
                    attacker.stop().block(WAIT);
                }
            }
            MemoryPeerstore peerstore = (MemoryPeerstore) server.peerstore();
            assertThat(peerstore.size()).isLessThanOrEqualTo(CAP + 1);
            assertThat(server.peerstore().peers()).allSatisfy(p -> assertThat(
                    server.peerstore().agentVersion(p).orElse("")).hasSizeLessThanOrEqualTo(
                    MemoryPeerstore.MAX_AGENT_LENGTH));
            Host honest = TestHosts.memory();
            try {
                assertThat(Echo.echo(honest.connect(TestHosts.address(server)).block(WAIT),
                        new byte[100], 100).block(WAIT)).isEqualTo(100L);
            } finally {
                honest.stop().block(WAIT);
            }
        } finally {
            server.stop().block(WAIT);
        }
    }

    /**
     * The replay at full size over TCP: {@link #FRESH_PEERS} fresh peer ids, each with a 60 KB identify record,
     * against a host with the default peerstore in a JVM of its own with a 256 MiB heap. It lives, serves a fresh
     * client afterwards, and what it keeps after a GC is a fraction of its heap.
     */
    @Test
    void tenThousandFreshPeersWithLargeIdentifyRecordsAgainstA256MiBHeap() throws Exception {
        Process target = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                FloodTarget.class.getName())
                .redirectError(TARGET_LOG.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                    StandardCharsets.UTF_8));
            PrintWriter in = new PrintWriter(new OutputStreamWriter(target.getOutputStream(), StandardCharsets.UTF_8),
                    true);
            Multiaddr address = Multiaddr.of(out.readLine().substring("address ".length()));
            long start = System.nanoTime();
            AtomicInteger identified = new AtomicInteger();
            Flux.range(0, FRESH_PEERS).flatMap(i -> Mono.usingWhen(attacker(),
                    attacker -> attacker.connect(address)
                            .flatMap(c -> c.identify().then(Echo.echo(c, new byte[16], 16)))
                            .doOnNext(n -> identified.incrementAndGet()),
                    Host::stop).onErrorResume(e -> Mono.empty()), 8).blockLast(Duration.ofMinutes(10));
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (!target.isAlive()) {
                // The JVM reports an OutOfMemoryError on stdout.
                throw new AssertionError("the target died (exit " + target.waitFor() + "): "
                        + String.join("\n", out.lines().toList()) + "\n" + Files.readString(TARGET_LOG));
            }
            in.println("state");
            Matcher state = STATE.matcher(out.readLine());
            assertThat(state.matches()).isTrue();
            long peers = Long.parseLong(state.group(1));
            long heap = Long.parseLong(state.group(2));
            System.out.printf("peerstore flood: %d fresh peers with %d-byte identify records in %d ms; the target "
                    + "keeps %d peers, %.1f MiB of heap after GC (of 256 MiB)%n", identified.get(),
                    PROTOCOLS * 234, millis, peers, heap / 1048576.0);
            assertThat(identified.get()).isEqualTo(FRESH_PEERS);
            assertThat(heap).as("heap after GC").isLessThan(128L << 20);
            Host honest = TestHosts.tcp();
            try {
                assertThat(Echo.echo(honest.connect(address).block(WAIT), new byte[100], 100).block(WAIT))
                        .isEqualTo(100L);
            } finally {
                honest.stop().block(WAIT);
            }
            assertThat(target.isAlive()).isTrue();
        } finally {
            target.getOutputStream().close();
            if (!target.waitFor(30, TimeUnit.SECONDS)) {
                target.destroyForcibly();
            }
        }
    }

    /** A fresh identity announcing {@link #PROTOCOLS} protocols of 234 bytes each, started. */
    private static Mono<Host> attacker() {
        return Mono.defer(() -> {
            var builder = Peerflux.host().transport(Tcp.create()).security(Noise.create()).muxer(Yamux.create())
                    .withoutResourceManager();
            for (int i = 0; i < PROTOCOLS; i++) {
                builder.handle(String.format("/%0233d", i), stream -> stream.reset());
            }
            Host host = builder.build();
            return host.start().thenReturn(host);
        });
    }
}
