package io.peerflux.benchmarks;

import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.tcp.Tcp;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
import reactor.core.publisher.Mono;

/**
 * Full connection setups per second over loopback, both hosts in this JVM: TCP connect, multistream-select of
 * Noise, the Noise XX handshake with libp2p identity signatures (Yamux agreed inside it), Yamux, then one stream
 * opened and negotiated to a protocol whose handler completes at once, the stream's close both ways, and the
 * connection's close. (The host also starts identify on every connection, as it always does.)
 *
 * <p>The dial address carries no {@code /p2p} part, so the host dials anew every time instead of reusing the
 * connection. {@link #concurrency} setups run at once per operation; the {@code setups} counter is the rate. The
 * warm-up is long: after 3 × 3 s the JIT still took a fifth of the CPU, and eight setups at once measured 810–990/s
 * instead of ~1,130/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 5)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ConnectionSetupBenchmark {

    static final String NOOP = "/peerflux-bench/noop/1.0.0";
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Param({"1", "8"})
    public int concurrency;

    /**
     * {@code on}: the resource manager with autoscaled limits (a peer's connection limit raised, since this client
     * dials the same server again while the server may still be closing its last connections); {@code off}: none.
     */
    @Param({"on", "off"})
    public String resources;

    Host server;
    Host client;
    Multiaddr serverAddress;

    /** Completed setups, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Setups {
        public long setups;

        @Setup(Level.Iteration)
        public void reset() {
            setups = 0;
        }
    }

    @Setup
    public void setUp() {
        server = resources(host(), resources).handle(NOOP, stream -> Mono.empty())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")).build();
        server.start().block(TIMEOUT);
        client = resources(host(), resources).build();
        serverAddress = server.listenAddresses().get(0);
    }

    static io.peerflux.host.HostBuilder host() {
        return Peerflux.host().transport(Tcp.create()).security(Noise.create()).muxer(Yamux.create());
    }

    /** Applies the {@code resources} parameter ({@code on} or {@code off}) to a host. */
    static io.peerflux.host.HostBuilder resources(io.peerflux.host.HostBuilder builder, String resources) {
        if (resources.equals("off")) {
            return builder.withoutResourceManager();
        }
        io.peerflux.resource.ResourceLimits limits = io.peerflux.resource.ResourceLimits.autoscaled();
        return builder.resourceLimits(limits.withPeer(limits.peer().withConns(1024, 1024, 1024)));
    }

    @TearDown
    public void tearDown() {
        client.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    @Benchmark
    public void connectAndOpenStream(Setups counter) {
        Flux.range(0, concurrency)
                .flatMap(i -> setUpOne(), concurrency)
                .then()
                .block(TIMEOUT);
        counter.setups += concurrency;
    }

    private Mono<Void> setUpOne() {
        return client.connect(serverAddress).flatMap(connection -> connection.newStream(NOOP)
                .flatMap(stream -> stream.closeWrite().then(stream.receive().then()))
                .then(connection.close()));
    }

    /** For {@link StreamOpenCloseBenchmark}: a connected pair of hosts. */
    static Connection connect(Host from, Host to) {
        return from.connect(Multiaddr.of(to.listenAddresses().get(0) + "/p2p/" + to.peerId())).block(TIMEOUT);
    }
}
