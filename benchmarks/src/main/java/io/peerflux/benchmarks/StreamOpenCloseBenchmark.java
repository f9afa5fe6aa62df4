package io.peerflux.benchmarks;

import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
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
 * Streams opened and closed per second on one established TCP+Noise+Yamux connection, both hosts in this JVM. One
 * stream: Yamux SYN/ACK, multistream-select of a protocol whose handler completes at once, our half-close, and
 * waiting for the remote's. {@link #concurrency} streams run at once per operation; the {@code streams} counter is
 * the rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StreamOpenCloseBenchmark {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Param({"1", "16"})
    public int concurrency;

    Host server;
    Host client;
    Connection connection;

    /** Completed stream lifecycles, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Streams {
        public long streams;

        @Setup(Level.Iteration)
        public void reset() {
            streams = 0;
        }
    }

    @Setup
    public void setUp() {
        server = ConnectionSetupBenchmark.host()
                .handle(ConnectionSetupBenchmark.NOOP, stream -> Mono.empty())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .build();
        server.start().block(TIMEOUT);
        client = ConnectionSetupBenchmark.host().build();
        connection = ConnectionSetupBenchmark.connect(client, server);
    }

    @TearDown
    public void tearDown() {
        client.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    @Benchmark
    public void openAndClose(Streams counter) {
        Flux.range(0, concurrency)
                .flatMap(i -> connection.newStream(ConnectionSetupBenchmark.NOOP)
                        .flatMap(stream -> stream.closeWrite().then(stream.receive().then())), concurrency)
                .then()
                .block(TIMEOUT);
        counter.streams += concurrency;
    }
}
