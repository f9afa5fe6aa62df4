package io.peerflux.mux.mplex;

import static io.peerflux.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.StreamResetException;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.BufferMemory;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.tcp.Tcp;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Java to Java over TCP + Noise + mplex, through the host. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MplexHostTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Served by the server: reads nothing at all. */
    static final String BLACK_HOLE = "/peerflux-test/black-hole/1.0.0";
    /** Served by the server: reads slowly, within the stall timeout. */
    static final String SLOW_SINK = "/peerflux-test/slow-sink/1.0.0";
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(1);
    static final int BULK = 16 << 20;

    Host server;
    Host client;

    @BeforeAll
    void start() {
        server = mplexHost(MplexConfig.defaults().withReadStallTimeout(STALL_TIMEOUT), b -> b
                .handle(BLACK_HOLE, stream -> Mono.never())
                .handle(SLOW_SINK, stream -> stream.receive()
                        .delaySubscription(STALL_TIMEOUT.dividedBy(2))
                        .concatMap(buf -> Mono.delay(Duration.ofNanos(buf.readableBytes() * 30L))
                                .thenReturn(buf.readableBytes()), 1)
                        .then()));
        client = mplexHost(MplexConfig.defaults(), b -> b);
    }

    @AfterAll
    void stop() {
        client.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    /** Like {@link TestHosts#tcp()}, with mplex as the only muxer. */
    static Host mplexHost(MplexConfig config, UnaryOperator<HostBuilder> customize) {
        Host host = customize.apply(Peerflux.host()
                        .transport(Tcp.create())
                        .security(Noise.create())
                        .muxer(Mplex.create(config))
                        .handle(Echo.PROTOCOL_ID, Echo.handler())
                        .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")))
                .build();
        host.start().block(TIMEOUT);
        return host;
    }

    Connection connection() {
        return client.connect(TestHosts.address(server)).block(TIMEOUT);
    }

    @Test
    void negotiatesMplex() {
        assertThat(connection().muxer()).isEqualTo(Mplex.PROTOCOL_ID);
    }

    @Test
    void echoes8MiB() {
        assertThat(Echo.echo(connection(), random(8 << 20), 64 * 1024).block(TIMEOUT)).isEqualTo(8 << 20);
    }

    @Test
    void pings() {
        List<Duration> rtts = Ping.ping(connection(), 3).collectList().block(TIMEOUT);
        assertThat(rtts).hasSize(3).allSatisfy(rtt -> assertThat(rtt).isPositive());
    }

    @Test
    void identifies() {
        IdentifyInfo info = connection().identify().block(TIMEOUT);
        assertThat(info.agentVersion()).startsWith("peerflux/");
        assertThat(info.protocols()).contains(Echo.PROTOCOL_ID, Ping.PROTOCOL_ID, BLACK_HOLE);
    }

    @Test
    void hundredConcurrentStreams() {
        Connection connection = connection();
        List<Long> echoed = Flux.range(0, 100)
                .flatMap(i -> Echo.echo(connection, random(32 * 1024 + i), 4096), 100)
                .collectList().block(TIMEOUT);
        assertThat(echoed).hasSize(100).allSatisfy(n -> assertThat(n).isBetween(32L * 1024, 32L * 1024 + 99));
    }

    @Test
    void aSlowReaderHoldsTheSenderBackWithoutReset() throws Exception {
        Connection connection = connection();
        Echo.echo(connection, random(BULK / 2), 64 * 1024).block(TIMEOUT); // warm the allocator up
        try (BufferMemory memory = BufferMemory.sample()) {
            long started = System.nanoTime();
            Duration sending = connection.newStream(SLOW_SINK)
                    .flatMap(stream -> stream.send(chunks(BULK))
                            .then(Mono.fromCallable(() -> Duration.ofNanos(System.nanoTime() - started)))
                            .flatMap(sent -> stream.closeWrite().then(stream.onClose()).thenReturn(sent)))
                    .block(TIMEOUT);
            assertThat(sending).as("the sender waited for the reader").isGreaterThan(STALL_TIMEOUT.dividedBy(2));
            assertThat(memory.peakGrowth()).as("buffered bytes").isLessThan(8L << 20);
        }
    }

    @Test
    void aStreamNobodyReadsIsResetAndTheConnectionCarriesOn() throws Exception {
        Connection connection = connection();
        Echo.echo(connection, random(BULK / 2), 64 * 1024).block(TIMEOUT); // warm the allocator up
        try (BufferMemory memory = BufferMemory.sample()) {
            assertThatThrownBy(() -> connection.newStream(BLACK_HOLE)
                    .flatMap(stream -> stream.send(chunks(BULK)).then(stream.closeWrite()))
                    .block(TIMEOUT))
                    .isInstanceOfSatisfying(StreamResetException.class, e -> assertThat(e.remote()).isTrue());
            assertThat(memory.peakGrowth()).as("buffered bytes").isLessThan(8L << 20);
        }
        assertThat(Echo.echo(connection, random(1 << 20), 64 * 1024).block(TIMEOUT)).isEqualTo(1 << 20);
        assertThat(client.connections()).containsExactly(connection);
    }

    static Flux<ByteBuf> chunks(int total) {
        byte[] chunk = random(64 * 1024);
        return Flux.range(0, total / chunk.length).map(i -> Unpooled.wrappedBuffer(chunk));
    }
}
