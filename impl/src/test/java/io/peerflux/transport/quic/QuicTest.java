package io.peerflux.transport.quic;

import static io.peerflux.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.ConnectionEvent;
import io.peerflux.DialException;
import io.peerflux.Direction;
import io.peerflux.HandshakeException;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.LimitExceededException;
import io.peerflux.Stream;
import io.peerflux.StreamResetException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.BufferMemory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** Java to Java over QUIC, through the host, on loopback. */
class QuicTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Serves it: reads an 8-byte count, sends that many bytes, half-closes. */
    static final String SOURCE = "/peerflux-test/source/1.0.0";
    /** Serves it: holds the stream open until the test lets go. */
    static final String HOLD = "/peerflux-test/hold/1.0.0";
    static final Multiaddr LOOPBACK = Multiaddr.of("/ip4/127.0.0.1/udp/0/quic-v1");

    final List<Host> hosts = new ArrayList<>();
    final Sinks.Empty<Void> release = Sinks.empty();
    volatile long sourceSentNanos;

    @AfterEach
    void stop() {
        release.tryEmitEmpty();
        hosts.forEach(h -> h.stop().block(TIMEOUT));
    }

    /** A started QUIC host serving echo, source and hold (Noise and Yamux are configured but unused by QUIC). */
    Host host(QuicConfig config, UnaryOperator<HostBuilder> customize) {
        Host host = customize.apply(Peerflux.host()
                        .transport(Quic.create(config))
                        .security(Noise.create())
                        .muxer(Yamux.create())
                        .handle(Echo.PROTOCOL_ID, Echo.handler())
                        .handle(SOURCE, this::source)
                        .handle(HOLD, stream -> release.asMono()))
                .build();
        hosts.add(host);
        host.start().block(TIMEOUT);
        return host;
    }

    Host host() {
        return host(QuicConfig.defaults(), b -> b.listen(LOOPBACK));
    }

    static Multiaddr address(Host host) {
        return Multiaddr.of(host.listenAddresses().get(0) + "/p2p/" + host.peerId());
    }

    Mono<Void> source(Stream stream) {
        byte[] chunk = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(chunk);
        return stream.receive()
                .reduce(Unpooled.buffer(8), (header, buf) -> header.writeBytes(buf))
                .flatMap(header -> {
                    long total = header.readLong();
                    header.release();
                    Flux<ByteBuf> data = Flux.generate(() -> 0L, (sent, sink) -> {
                        int n = (int) Math.min(chunk.length, total - sent);
                        if (n == 0) {
                            sink.complete();
                        } else {
                            sink.next(Unpooled.wrappedBuffer(chunk, 0, n));
                        }
                        return sent + n;
                    });
                    return stream.send(data).doOnSuccess(v -> sourceSentNanos = System.nanoTime());
                });
    }

    /** The server's first connection, once its side of the handshake has been handed to the host. */
    static Connection inbound(Host server) {
        return Mono.fromCallable(() -> server.connections().isEmpty() ? null : server.connections().get(0))
                .repeatWhenEmpty(50, r -> r.delayElements(Duration.ofMillis(100)))
                .block(TIMEOUT);
    }

    @Test
    void connectsSecuredAndMultiplexedByQuic() {
        Host server = host();
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        assertThat(connection.remotePeer()).isEqualTo(server.peerId());
        assertThat(connection.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(connection.security()).isEqualTo("/tls/1.0.0");
        assertThat(connection.muxer()).isEqualTo("quic-v1");
        assertThat(connection.remoteAddress()).isEqualTo(server.listenAddresses().get(0));
        assertThat(client.connect(server.peerId()).block(TIMEOUT)).isSameAs(connection);

        List<Duration> rtts = Ping.ping(connection, 3).collectList().block(TIMEOUT);
        assertThat(rtts).hasSize(3).allSatisfy(rtt -> assertThat(rtt).isPositive());

        IdentifyInfo info = connection.identify().block(TIMEOUT);
        assertThat(info.listenAddresses()).contains(server.listenAddresses().get(0));
        assertThat(info.protocols()).contains(Echo.PROTOCOL_ID, SOURCE);
        Connection inbound = inbound(server);
        assertThat(inbound.remotePeer()).isEqualTo(client.peerId());
        assertThat(inbound.direction()).isEqualTo(Direction.INBOUND);
        assertThat(inbound.identify().block(TIMEOUT).protocols()).contains(HOLD);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
    void echoes(int size) {
        Host server = host();
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        assertThat(Echo.echo(connection, random(size), 64 * 1024).block(TIMEOUT)).isEqualTo(size);
    }

    @Test
    void hundredConcurrentStreamsOnOneConnection() {
        Host server = host();
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        List<Long> echoed = Flux.range(0, 100)
                .flatMap(i -> Echo.echo(connection, random(4096), 1024), 100)
                .collectList().block(TIMEOUT);
        assertThat(echoed).hasSize(100).containsOnly(4096L);
        assertThat(client.connections()).hasSize(1);
    }

    @Test
    void dialsFromItsListeningPort() {
        Host server = host();
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        assertThat(connection.localAddress()).isEqualTo(client.listenAddresses().get(0));
        assertThat(inbound(server).remoteAddress()).isEqualTo(client.listenAddresses().get(0));
        // Both directions share the socket: the server can dial back the client on its listening port.
        Connection back = server.connect(address(client)).block(TIMEOUT);
        assertThat(back.localAddress()).isEqualTo(server.listenAddresses().get(0));
        assertThat(Echo.echo(back, random(100_000), 10_000).block(TIMEOUT)).isEqualTo(100_000);
        assertThat(Echo.echo(connection, random(100_000), 10_000).block(TIMEOUT)).isEqualTo(100_000);
    }

    @Test
    void dialsFromAnEphemeralPortWhenNotListening() {
        Host server = host();
        Host client = host(QuicConfig.defaults(), b -> b);
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        assertThat(connection.localAddress().toString()).startsWith("/ip4/0.0.0.0/udp/").endsWith("/quic-v1");
        assertThat(Echo.echo(connection, random(10_000), 1000).block(TIMEOUT)).isEqualTo(10_000);
    }

    @Test
    void ipv6Loopback() {
        Host server = host(QuicConfig.defaults(), b -> b.listen(Multiaddr.of("/ip6/::1/udp/0/quic-v1")));
        Host client = host(QuicConfig.defaults(), b -> b.listen(Multiaddr.of("/ip6/::1/udp/0/quic-v1")));
        assertThat(server.listenAddresses().get(0).toString()).startsWith("/ip6/::1/udp/").endsWith("/quic-v1");
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        assertThat(connection.localAddress()).isEqualTo(client.listenAddresses().get(0));
        assertThat(Echo.echo(connection, random(200_000), 10_000).block(TIMEOUT)).isEqualTo(200_000);
    }

    @Test
    void dialingTheWrongPeerFailsTheHandshake() {
        Host server = host();
        Host client = host();
        PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        Multiaddr wrong = Multiaddr.of(server.listenAddresses().get(0) + "/p2p/" + someoneElse);
        assertThatThrownBy(() -> client.connect(wrong).block(TIMEOUT))
                .isInstanceOf(DialException.class)
                .hasCauseInstanceOf(HandshakeException.class)
                .hasMessageContaining(server.listenAddresses().get(0).toString());
        assertThat(client.connections()).isEmpty();
        // The server is fine and so is a correct dial.
        assertThat(Ping.ping(client.connect(address(server)).block(TIMEOUT), 1).blockLast(TIMEOUT)).isPositive();
    }

    @Test
    void aDialThatGetsNoAnswerTimesOutAfterTheHandshakeTimeout() throws Exception {
        Host client = host(QuicConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(1)), b -> b);
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Multiaddr address = Multiaddr.of("/ip4/127.0.0.1/udp/" + silent.getLocalPort() + "/quic-v1");
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.connect(address).block(TIMEOUT))
                    .isInstanceOf(DialException.class)
                    .hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void streamsBeyondTheRemotesLimitAreRefusedAndTheHostKeepsServing() {
        Host server = host(QuicConfig.defaults().withMaxInboundStreams(4), b -> b.listen(LOOPBACK));
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        List<Stream> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // Identify's stream may still hold a slot for a round trip.
            held.add(Mono.defer(() -> connection.newStream(HOLD)).retryWhen(untilGranted()).block(TIMEOUT));
        }
        assertThatThrownBy(() -> connection.newStream(HOLD).block(TIMEOUT))
                .isInstanceOf(LimitExceededException.class);
        held.forEach(s -> s.reset().block(TIMEOUT));
        // Once those are gone, the remote grants new streams.
        StepVerifier.create(Mono.defer(() -> Echo.echo(connection, random(1000), 100)).retryWhen(untilGranted()))
                .expectNext(1000L)
                .verifyComplete();
    }

    @Test
    void aResetReachesTheOtherSide() {
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        Host server = host(QuicConfig.defaults(), b -> b.listen(LOOPBACK)
                .handle("/reset-me/1.0.0", stream -> stream.receive().doOnError(seen::add).then()));
        Host client = host();
        Stream stream = client.newStream(address(server), "/reset-me/1.0.0").block(TIMEOUT);
        stream.send(Mono.just(Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8))).block(TIMEOUT);
        stream.reset().block(TIMEOUT);
        StepVerifier.create(Mono.fromCallable(() -> seen.isEmpty() ? null : seen.get(0))
                        .repeatWhenEmpty(50, r -> r.delayElements(Duration.ofMillis(100))))
                .assertNext(e -> assertThat(e).isInstanceOf(StreamResetException.class)
                        .satisfies(r -> assertThat(((StreamResetException) r).remote()).isTrue()))
                .verifyComplete();
        assertThat(client.ping(server.peerId()).block(TIMEOUT)).isPositive();
    }

    @Test
    void aPeerStillSendingAfterAResetIsHarmless() {
        Host server = host();
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        Stream stream = connection.newStream(SOURCE).block(TIMEOUT);
        // The server starts sending 64 MiB; we take one buffer and reset while it is still writing.
        ByteBuf first = stream.send(Mono.just(Unpooled.buffer(8).writeLong(64 << 20)))
                .then(stream.closeWrite())
                .thenMany(stream.receive())
                .next()
                .map(ByteBuf::retain)
                .block(TIMEOUT);
        assertThat(first.readableBytes()).isPositive();
        first.release();
        stream.reset().block(TIMEOUT);
        StepVerifier.create(stream.onClose()).verifyComplete();
        // The server's send failed (its writes were stopped) rather than completing, and the connection is fine.
        assertThat(Echo.echo(connection, random(100_000), 10_000).block(TIMEOUT)).isEqualTo(100_000);
        assertThat(sourceSentNanos).isZero();
    }

    @Test
    void manyResetStreamsLeakNothingAndTheConnectionKeepsWorking() {
        Host server = host();
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        Flux.range(0, 500)
                .flatMap(i -> connection.newStream(Echo.PROTOCOL_ID)
                        .flatMap(s -> s.send(Mono.just(Unpooled.wrappedBuffer(random(2000)))).then(s.reset())), 50)
                .blockLast(TIMEOUT);
        assertThat(Echo.echo(connection, random(100_000), 10_000).block(TIMEOUT)).isEqualTo(100_000);
    }

    @Test
    void aConnectionIsRecycledAfterMaxResetStreams() {
        Host server = host(QuicConfig.defaults().withMaxResetStreams(20), b -> b.listen(LOOPBACK));
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        Flux.range(0, 20)
                .concatMap(i -> connection.newStream(Echo.PROTOCOL_ID).flatMap(Stream::reset))
                .blockLast(TIMEOUT);
        StepVerifier.create(connection.onClose()).verifyComplete();
        // The next use dials a fresh connection.
        Connection fresh = client.connect(address(server)).block(TIMEOUT);
        assertThat(fresh).isNotSameAs(connection);
        assertThat(Echo.echo(fresh, random(1000), 100).block(TIMEOUT)).isEqualTo(1000);
    }

    @Test
    void closingAConnectionIsSeenByBothSides() {
        Host server = host();
        Host client = host();
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        server.connectionEvents().subscribe(events::add);
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        connection.close().block(TIMEOUT);
        StepVerifier.create(Mono.fromCallable(() -> events.size() == 2 ? events : null)
                        .repeatWhenEmpty(50, r -> r.delayElements(Duration.ofMillis(100))))
                .assertNext(e -> assertThat(e).extracting(ConnectionEvent::type)
                        .containsExactly(ConnectionEvent.Type.OPENED, ConnectionEvent.Type.CLOSED))
                .verifyComplete();
        assertThat(client.connections()).isEmpty();
    }

    @Test
    void aListenerRefusesConnectionsBeyondItsLimit() {
        Host server = host(QuicConfig.defaults().withMaxConnectionsPerListener(1), b -> b.listen(LOOPBACK));
        Host first = host();
        Host second = host();
        first.connect(address(server)).block(TIMEOUT);
        // Refused at once with CONNECTION_REFUSED, not left to time out.
        assertThatThrownBy(() -> second.connect(address(server)).block(Duration.ofSeconds(5)))
                .isInstanceOf(DialException.class);
        assertThat(first.ping(server.peerId()).block(TIMEOUT)).isPositive();
    }

    static Retry untilGranted() {
        return Retry.fixedDelay(50, Duration.ofMillis(100)).filter(LimitExceededException.class::isInstance);
    }

    /**
     * The server sends 64 MiB to a reader that asks for nothing for five seconds, then reads at about 16 MB/s.
     * Credit follows consumption, so the sender is held back and buffered memory stays small.
     */
    @Test
    void aSlowReaderHoldsTheSenderBackWithBoundedMemory() throws Exception {
        int bulk = 64 * 1024 * 1024;
        Duration stall = Duration.ofSeconds(5);
        Host server = host();
        Host client = host();
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        assertThat(Echo.echo(connection, random(8 * 1024 * 1024), 64 * 1024).block(TIMEOUT)).isPositive();
        Stream stream = connection.newStream(SOURCE).block(TIMEOUT);
        long received;
        long start = System.nanoTime();
        try (BufferMemory memory = BufferMemory.sample()) {
            received = stream.send(Mono.just(Unpooled.buffer(8).writeLong(bulk)))
                    .then(stream.closeWrite())
                    .thenMany(stream.receive().map(ByteBuf::readableBytes)
                            .delaySubscription(stall)
                            .concatMap(n -> Mono.delay(Duration.ofNanos(n * 61L)).thenReturn(n), 1))
                    .reduce(0L, Long::sum)
                    .block(Duration.ofMinutes(3));
            System.out.printf("QUIC slow reader: peak buffer memory growth %.1f MiB while receiving %d MiB%n",
                    memory.peakGrowth() / 1048576.0, bulk >> 20);
            assertThat(memory.peakGrowth()).isLessThan(8 * 1024 * 1024);
        }
        assertThat(received).isEqualTo(bulk);
        // While the reader asked for nothing, the server could send about one window, not the payload.
        assertThat(Duration.ofNanos(sourceSentNanos - start)).isGreaterThanOrEqualTo(stall);
    }
}
