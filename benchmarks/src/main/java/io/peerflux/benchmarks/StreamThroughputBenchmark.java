package io.peerflux.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.Stream;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.mplex.Mplex;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.tls.Tls;
import io.peerflux.transport.memory.MemoryTransport;
import io.peerflux.transport.quic.Quic;
import io.peerflux.transport.tcp.Tcp;
import io.peerflux.transport.ws.WebSocketTransport;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

/**
 * Single-stream throughput for each transport / secure channel / muxer combination on loopback, both hosts in this
 * JVM. Each operation opens a stream, sends {@link #TRANSFER} bytes in 64 KiB buffers, half-closes, and waits for
 * the receiver to finish reading; the {@code bytes} counter gives bytes per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class StreamThroughputBenchmark {

    static final String SINK = "/peerflux-bench/sink/1.0.0";
    static final int CHUNK = 64 * 1024;
    static final int TRANSFER = 64 * 1024 * 1024;
    static final Duration TIMEOUT = Duration.ofMinutes(1);

    /** transport-security-muxer; QUIC brings its own TLS and streams. */
    @Param({"tcp-noise-yamux", "tcp-noise-mplex", "tcp-tls-yamux", "tcp-tls-mplex", "quic", "ws-noise-yamux",
            "memory-noise-yamux"})
    public String combination;

    /** {@code on}: the resource manager with autoscaled limits; {@code off}: none. */
    @Param({"on", "off"})
    public String resources;

    Host server;
    Host client;
    Connection connection;
    ByteBuf chunk;

    @Setup
    public void setUp() {
        server = host().handle(SINK, stream -> stream.receive().then())
                .listen(Multiaddr.of(listenAddress())).build();
        server.start().block(TIMEOUT);
        client = host().build();
        connection = client.connect(Multiaddr.of(server.listenAddresses().get(0) + "/p2p/" + server.peerId()))
                .block(TIMEOUT);
        byte[] random = new byte[CHUNK];
        ThreadLocalRandom.current().nextBytes(random);
        chunk = Unpooled.unreleasableBuffer(Unpooled.directBuffer(CHUNK).writeBytes(random));
    }

    private HostBuilder host() {
        String[] parts = combination.split("-");
        HostBuilder builder = ConnectionSetupBenchmark.resources(Peerflux.host(), resources);
        builder.transport(switch (parts[0]) {
            case "tcp" -> Tcp.create();
            case "quic" -> Quic.create();
            case "ws" -> WebSocketTransport.create();
            case "memory" -> MemoryTransport.create();
            default -> throw new IllegalArgumentException(combination);
        });
        boolean quic = parts.length == 1;
        builder.security(quic || parts[1].equals("noise") ? Noise.create() : Tls.create());
        builder.muxer(quic || parts[2].equals("yamux") ? Yamux.create() : Mplex.create());
        return builder;
    }

    private String listenAddress() {
        return switch (combination.split("-")[0]) {
            case "tcp" -> "/ip4/127.0.0.1/tcp/0";
            case "quic" -> "/ip4/127.0.0.1/udp/0/quic-v1";
            case "ws" -> "/ip4/127.0.0.1/tcp/0/ws";
            default -> "/memory/0";
        };
    }

    @TearDown
    public void tearDown() {
        client.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    @Benchmark
    public void singleStream(ByteCounter counter) {
        Stream stream = connection.newStream(SINK).block(TIMEOUT);
        stream.send(Flux.range(0, TRANSFER / CHUNK).map(i -> chunk.duplicate()))
                .then(stream.closeWrite())
                .then(stream.receive().then())
                .block(TIMEOUT);
        counter.bytes += TRANSFER;
    }
}
