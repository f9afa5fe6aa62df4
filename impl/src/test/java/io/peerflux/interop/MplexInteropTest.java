package io.peerflux.interop;

import static io.peerflux.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.Stream;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.mplex.Mplex;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.BufferMemory;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.tcp.Tcp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Peerflux against the pinned js-libp2p peer ({@code interop/peer.mjs}) over TCP + Noise + mplex, in both
 * directions: the Java host offers mplex as its only muxer, so js settles on it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MplexInteropTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int BULK = 32 << 20;
    /**
     * Buffer memory growth allowed while a slow reader receives {@link #BULK}: half of it. The sample is the whole
     * allocator of a test JVM that other test classes have just used, so a fresh allocator chunk can land in it (one
     * CI run measured 10 MiB, others 0–2 MiB); without backpressure the growth is about the payload.
     */
    static final long MEMORY_BOUND = BULK / 2;
    /** Shorter than mplex's read stall timeout: a reader this slow to start holds the sender back, no more. */
    static final Duration STALL = Duration.ofSeconds(2);
    /** js-libp2p mplex's default {@code disconnectThreshold}. */
    static final int JS_NEW_STREAMS_PER_SECOND = 5;

    JsPeer js;
    Host host;
    volatile CompletableFuture<Long> sinkReceived = new CompletableFuture<>();
    /** What the sink handler's stream went through, for the failure message of the js-dials-Java slow reader. */
    volatile SinkTrace sinkTrace = new SinkTrace();

    @BeforeAll
    void start() throws Exception {
        js = JsPeer.start();
        host = Peerflux.host()
                .transport(Tcp.create())
                .security(Noise.create())
                .muxer(Mplex.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .handle(InteropTest.SINK, stream -> {
                    SinkTrace trace = sinkTrace.start(stream);
                    Flux<ByteBuf> received = stream.receive()
                            .doOnSubscribe(s -> trace.event("receive() subscribed"))
                            .doOnCancel(() -> trace.event("receive() cancelled"));
                    return slowly(received).reduce(0L, Long::sum)
                            .doOnNext(n -> sinkReceived.complete(n))
                            .doOnEach(signal -> {
                                if (signal.isOnError()) {
                                    trace.event("failed: " + SinkTrace.causes(signal.getThrowable()));
                                } else if (signal.isOnComplete()) {
                                    trace.event("completed");
                                }
                            })
                            .then();
                })
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .build();
        host.start().block(TIMEOUT);
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

    /** Asks for nothing for {@link #STALL}, then reads at about 16 MB/s, one buffer at a time. */
    static Flux<Integer> slowly(Flux<ByteBuf> received) {
        return received.map(ByteBuf::readableBytes)
                .delaySubscription(STALL)
                .concatMap(n -> Mono.delay(Duration.ofNanos(n * 61L)).thenReturn(n), 1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * A diagnostic: when the sink handler's stream started, when its reader subscribed, and how it ended (its
     * terminal signal, a reset's cause, a cancelled receive), in milliseconds from the handler's start.
     */
    static final class SinkTrace {
        private final java.util.Queue<String> events = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private volatile long start;

        SinkTrace start(Stream stream) {
            start = System.nanoTime();
            events.add("handler started on " + stream);
            return this;
        }

        void event(String what) {
            events.add("+" + (System.nanoTime() - start) / 1_000_000 + " ms " + what);
        }

        static String causes(Throwable error) {
            StringBuilder out = new StringBuilder(String.valueOf(error));
            for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
                out.append(" <- ").append(cause);
            }
            return out.toString();
        }

        @Override
        public String toString() {
            return events.isEmpty() ? "no sink stream reached the handler" : String.join("; ", events);
        }
    }

    /** The sink handler's trace and the host's resource usage, for a failure message. */
    String sinkDiagnosis() {
        return "Java's sink: " + sinkTrace + "; " + host.resourceManager() + ", js's peer scope "
                + host.resourceManager().peer(js.peerId());
    }

    static void report(String direction, BufferMemory memory) {
        System.out.printf("mplex slow reader, %s: peak buffer memory growth %.1f MiB while receiving %d MiB%n",
                direction, memory.peakGrowth() / 1048576.0, BULK >> 20);
        assertThat(memory.peakGrowth()).as("buffered bytes").isLessThan(MEMORY_BOUND);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JavaDialsJs {

        /**
         * js-libp2p's mplex (12.x) closes a connection whose remote opens more than {@value #JS_NEW_STREAMS_PER_SECOND}
         * streams within a second (its {@code disconnectThreshold}), so each test starts on a new connection.
         */
        @BeforeEach
        void newConnection() {
            host.connections().stream().filter(c -> c.remotePeer().equals(js.peerId()))
                    .forEach(c -> c.close().block(TIMEOUT));
        }

        Connection connection() {
            return host.connect(js.address()).block(TIMEOUT);
        }

        @Test
        void negotiatesMplex() {
            assertThat(connection().muxer()).isEqualTo(Mplex.PROTOCOL_ID);
        }

        @Test
        void ping() {
            List<Duration> rtts = Ping.ping(connection(), 3).collectList().block(TIMEOUT);
            assertThat(rtts).hasSize(3).allSatisfy(rtt -> assertThat(rtt).isPositive());
        }

        @Test
        void identifySeesJsProtocolsAndAgent() {
            IdentifyInfo info = connection().identify().block(TIMEOUT);
            assertThat(info.agentVersion()).startsWith("js-libp2p/");
            assertThat(info.protocols()).containsAll(js.protocols());
        }

        @Test
        void echo8MiB() {
            assertThat(Echo.echo(connection(), random(8 << 20), 64 * 1024).block(TIMEOUT)).isEqualTo(8 << 20);
        }

        /**
         * Opens 100 echo streams one after another, each a quarter second after the last so that no second sees more
         * than js's {@code disconnectThreshold} (identify took one), then echoes on all of them at once.
         */
        @Test
        void hundredConcurrentStreamsOnOneConnection() {
            Connection connection = connection();
            Duration pace = Duration.ofSeconds(1).dividedBy(JS_NEW_STREAMS_PER_SECOND - 1);
            List<Stream> streams = Flux.range(0, 100)
                    .concatMap(i -> Mono.delay(pace).then(connection.newStream(Echo.PROTOCOL_ID)))
                    .collectList().block(Duration.ofMinutes(1));
            List<byte[]> sent = streams.stream().map(stream -> random(4096)).toList();
            List<byte[]> echoed = Flux.range(0, streams.size())
                    .flatMapSequential(i -> streams.get(i).send(Mono.just(Unpooled.wrappedBuffer(sent.get(i))))
                            .then(streams.get(i).closeWrite())
                            .thenMany(streams.get(i).receive().map(ByteBufUtil::getBytes))
                            .reduce(new byte[0], MplexInteropTest::concat), 100)
                    .collectList().block(TIMEOUT);
            assertThat(echoed).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(echoed.get(i)).as("stream %d", i).isEqualTo(sent.get(i));
            }
            assertThat(host.connections().stream().filter(c -> c.remotePeer().equals(js.peerId()))).hasSize(1);
        }

        @Test
        void slowReaderHoldsJsBackWithoutReset() throws Exception {
            Echo.echo(connection(), random(InteropTest.WARM_UP), 64 * 1024).block(TIMEOUT);
            Stream stream = connection().newStream(InteropTest.SOURCE).block(TIMEOUT);
            long received;
            try (BufferMemory memory = BufferMemory.sample()) {
                received = stream.send(Mono.just(Unpooled.buffer(8).writeLong(BULK)))
                        .then(stream.closeWrite())
                        .thenMany(slowly(stream.receive()))
                        .reduce(0L, Long::sum)
                        .block(Duration.ofMinutes(2));
                report("Java dials js", memory);
            }
            assertThat(received).isEqualTo(BULK);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JsDialsJava {

        Map<String, Object> to(Object... more) {
            Map<String, Object> args = new HashMap<>();
            args.put("addr", TestHosts.address(host).toString());
            for (int i = 0; i < more.length; i += 2) {
                args.put((String) more[i], more[i + 1]);
            }
            return args;
        }

        Connection inbound() {
            return host.connections().stream().filter(c -> c.remotePeer().equals(js.peerId())).findFirst()
                    .orElseThrow();
        }

        @Test
        void ping() throws Exception {
            JsonNode reply = js.command("ping", to(), TIMEOUT);
            assertThat(reply.get("rttMillis").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(inbound().muxer()).isEqualTo(Mplex.PROTOCOL_ID);
        }

        @Test
        void identifySeesJavaProtocolsAndAgent() throws Exception {
            JsonNode reply = js.command("identify", to(), TIMEOUT);
            assertThat(reply.get("peerId").asText()).isEqualTo(host.peerId().toString());
            assertThat(reply.get("agentVersion").asText()).startsWith("peerflux/");
            List<String> protocols = new ArrayList<>();
            reply.get("protocols").forEach(p -> protocols.add(p.asText()));
            assertThat(protocols).containsAll(host.protocols());
        }

        @Test
        void echo8MiB() throws Exception {
            JsonNode reply = js.command("echo", to("bytes", 8 << 20), TIMEOUT);
            assertThat(reply.get("bytes").asInt()).isEqualTo(8 << 20);
        }

        @Test
        void hundredConcurrentStreamsOnOneConnection() throws Exception {
            JsonNode reply = js.command("echo", to("bytes", 4096, "streams", 100), TIMEOUT);
            assertThat(reply.get("streams").asInt()).isEqualTo(100);
            assertThat(reply.get("connections").asInt()).isEqualTo(1);
        }

        @Test
        void slowJavaReaderHoldsJsBackWithoutReset() throws Exception {
            js.command("echo", to("bytes", InteropTest.WARM_UP), TIMEOUT);
            sinkReceived = new CompletableFuture<>();
            sinkTrace = new SinkTrace();
            try (BufferMemory memory = BufferMemory.sample()) {
                JsonNode reply = js.command("sink", to("bytes", BULK), Duration.ofMinutes(2));
                report("js dials Java", memory);
                assertThat(reply.get("millis").asLong())
                        .as(() -> "js send time, held back by the stalled reader. " + sinkDiagnosis())
                        .isGreaterThanOrEqualTo(STALL.toMillis());
            }
            assertThat(sinkReceived).as(MplexInteropTest.this::sinkDiagnosis).succeedsWithin(TIMEOUT)
                    .isEqualTo((long) BULK);
        }
    }
}
