package io.peerflux.interop;

import static io.peerflux.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.Stream;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.testing.BufferMemory;
import io.peerflux.testing.TestHosts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Peerflux against the pinned js-libp2p peer ({@code interop/peer.mjs}) over TCP + Noise + Yamux, in both
 * directions, over real loopback sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteropTest {

    /** js serves it: reads an 8-byte count, sends that many bytes. */
    static final String SOURCE = "/peerflux-interop/source/1.0.0";
    /** Java serves it: reads slowly whatever js sends. */
    static final String SINK = "/peerflux-interop/sink/1.0.0";
    static final int BULK = 64 * 1024 * 1024;
    /**
     * Buffer memory growth allowed while a slow reader receives {@link #BULK}: a few receive windows plus the
     * allocator's chunk granularity, an eighth of the payload. Without backpressure it grows by about the payload.
     */
    static final long MEMORY_BOUND = 8 * 1024 * 1024;
    /** Moved before measuring, so that the allocator already holds the chunks a transfer needs. */
    static final int WARM_UP = 8 * 1024 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Duration STALL = Duration.ofSeconds(5);

    JsPeer js;
    Host host;
    volatile CompletableFuture<Long> sinkReceived = new CompletableFuture<>();

    @BeforeAll
    void start() throws Exception {
        js = JsPeer.start();
        host = TestHosts.tcp(b -> b.handle(SINK, stream -> slowly(stream.receive())
                .reduce(0L, Long::sum).doOnNext(n -> sinkReceived.complete(n)).then()));
    }

    @AfterAll
    void stop() throws Exception {
        if (host != null) {
            host.stop().block(TIMEOUT);
        }
        if (js != null) {
            js.close();
        }
    }

    /**
     * A slow reader: asks for nothing for {@link #STALL}, then reads at about 16 MB/s (1 ms per 16 KiB), asking for
     * the next buffer only when done with the previous one. Without backpressure the sender would pile tens of MiB
     * into our memory during the stall alone.
     */
    static Flux<Integer> slowly(Flux<ByteBuf> received) {
        return received.map(ByteBuf::readableBytes)
                .delaySubscription(STALL)
                .concatMap(n -> Mono.delay(Duration.ofNanos(n * 61L)).thenReturn(n), 1);
    }

    /** The protocols js's peerstore lists for {@code peer}. */
    List<String> jsKnowsOf(String peer) throws Exception {
        List<String> protocols = new java.util.ArrayList<>();
        js.command("peerInfo", Map.of("peerId", peer), TIMEOUT).get("protocols").forEach(p -> protocols.add(p.asText()));
        return protocols;
    }

    static void report(String direction, BufferMemory memory) {
        System.out.printf("slow reader, %s: peak buffer memory growth %.1f MiB while receiving %d MiB%n", direction,
                memory.peakGrowth() / 1048576.0, BULK >> 20);
        assertThat(memory.peakGrowth()).as("buffered bytes").isLessThan(MEMORY_BOUND);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JavaDialsJs {

        Connection connection() {
            return host.connect(js.address()).block(TIMEOUT);
        }

        @Test
        void ping() {
            List<Duration> rtts = Ping.ping(connection(), 3).collectList().block(TIMEOUT);
            assertThat(rtts).hasSize(3).allSatisfy(rtt -> assertThat(rtt).isPositive());
        }

        @Test
        void identifySeesJsProtocolsAndAgent() throws Exception {
            Connection connection = connection();
            IdentifyInfo info = connection.identify().block(TIMEOUT);
            assertThat(info.agentVersion()).startsWith("js-libp2p/");
            assertThat(info.protocols()).containsAll(js.protocols());
            assertThat(info.listenAddresses()).contains(js.address().withoutPeerId());
            assertThat(host.peerstore().protocols(js.peerId())).containsAll(js.protocols());
        }

        @Test
        void identifyPushTellsJsAboutANewProtocol() throws Exception {
            connection();
            String added = "/peerflux-interop/added/1.0.0";
            host.handle(added, stream -> Mono.empty());
            try {
                List<String> seen = Mono.fromCallable(() -> jsKnowsOf(host.peerId().toString()))
                        .subscribeOn(Schedulers.boundedElastic())
                        .filter(protocols -> protocols.contains(added))
                        .repeatWhenEmpty(100, r -> r.delayElements(Duration.ofMillis(100)))
                        .block(TIMEOUT);
                assertThat(seen).contains(added);
            } finally {
                host.unhandle(added);
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
        void echo(int size) {
            assertThat(Echo.echo(connection(), random(size), 64 * 1024).block(TIMEOUT)).isEqualTo(size);
        }

        @Test
        void hundredConcurrentStreamsOnOneConnection() {
            Connection connection = connection();
            List<Long> echoed = Flux.range(0, 100)
                    .flatMap(i -> Echo.echo(connection, random(4096), 1024), 100)
                    .collectList().block(TIMEOUT);
            assertThat(echoed).hasSize(100).containsOnly(4096L);
            assertThat(host.connections().stream().filter(c -> c.remotePeer().equals(js.peerId()))).hasSize(1);
        }

        @Test
        void slowReaderKeepsMemoryBoundedWhileJsSends64MiB() throws Exception {
            Echo.echo(connection(), random(WARM_UP), 64 * 1024).block(TIMEOUT);
            Stream stream = connection().newStream(SOURCE).block(TIMEOUT);
            long received;
            try (BufferMemory memory = BufferMemory.sample()) {
                received = stream.send(Mono.just(Unpooled.buffer(8).writeLong(BULK)))
                        .then(stream.closeWrite())
                        .thenMany(slowly(stream.receive()))
                        .reduce(0L, Long::sum)
                        .block(Duration.ofMinutes(3));
                report("Java dials js", memory);
            }
            assertThat(received).isEqualTo(BULK);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JsDialsJava {

        Map<String, Object> to(Object... more) {
            java.util.HashMap<String, Object> args = new java.util.HashMap<>();
            args.put("addr", TestHosts.address(host).toString());
            for (int i = 0; i < more.length; i += 2) {
                args.put((String) more[i], more[i + 1]);
            }
            return args;
        }

        @Test
        void ping() throws Exception {
            JsonNode reply = js.command("ping", to(), TIMEOUT);
            assertThat(reply.get("rttMillis").asDouble()).isGreaterThanOrEqualTo(0);
        }

        @Test
        void identifySeesJavaProtocolsAndAgent() throws Exception {
            JsonNode reply = js.command("identify", to(), TIMEOUT);
            assertThat(reply.get("peerId").asText()).isEqualTo(host.peerId().toString());
            assertThat(reply.get("agentVersion").asText()).startsWith("peerflux/");
            assertThat(reply.get("protocolVersion").asText()).isEqualTo("ipfs/0.1.0");
            List<String> protocols = new java.util.ArrayList<>();
            reply.get("protocols").forEach(p -> protocols.add(p.asText()));
            assertThat(protocols).containsAll(host.protocols());
            assertThat(reply.get("publicKeyType").asText()).isEqualTo("Ed25519");
            // And the Java side learned js's record over the inbound connection.
            Connection inbound = host.connections().stream()
                    .filter(c -> c.remotePeer().equals(js.peerId())).findFirst().orElseThrow();
            assertThat(inbound.identify().block(TIMEOUT).agentVersion()).startsWith("js-libp2p/");
        }

        @Test
        void identifyPushFromJsReachesJava() throws Exception {
            js.command("ping", to(), TIMEOUT);
            Connection inbound = host.connections().stream()
                    .filter(c -> c.remotePeer().equals(js.peerId())).findFirst().orElseThrow();
            String added = "/peerflux-interop/js-added/1.0.0";
            js.command("addProtocol", Map.of("protocol", added), TIMEOUT);
            List<String> seen = Mono.defer(inbound::identify)
                    .map(IdentifyInfo::protocols)
                    .filter(protocols -> protocols.contains(added))
                    .repeatWhenEmpty(100, r -> r.delayElements(Duration.ofMillis(100)))
                    .block(TIMEOUT);
            assertThat(seen).contains(added);
            assertThat(host.peerstore().protocols(js.peerId())).contains(added);
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
        void echo(int size) throws Exception {
            JsonNode reply = js.command("echo", to("bytes", size), TIMEOUT);
            assertThat(reply.get("bytes").asInt()).isEqualTo(size);
        }

        @Test
        void hundredConcurrentStreamsOnOneConnection() throws Exception {
            JsonNode reply = js.command("echo", to("bytes", 4096, "streams", 100), TIMEOUT);
            assertThat(reply.get("streams").asInt()).isEqualTo(100);
            assertThat(reply.get("connections").asInt()).isEqualTo(1);
        }

        @Test
        void slowJavaReaderKeepsMemoryBoundedWhileJsSends64MiB() throws Exception {
            js.command("echo", to("bytes", WARM_UP), TIMEOUT);
            sinkReceived = new CompletableFuture<>();
            try (BufferMemory memory = BufferMemory.sample()) {
                JsonNode reply = js.command("sink", to("bytes", BULK), Duration.ofMinutes(3));
                long sendMillis = reply.get("millis").asLong();
                System.out.printf("js sent %d MiB in %d ms%n", BULK >> 20, sendMillis);
                report("js dials Java", memory);
                // While Java asked for nothing, js could send one window, not the payload.
                assertThat(sendMillis).as("js send time, held back by the stalled reader")
                        .isGreaterThanOrEqualTo(STALL.toMillis());
            }
            // js finished writing into the window; the slow reader drains the last window afterwards.
            assertThat(sinkReceived.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(BULK);
        }
    }
}
