package io.peerflux.benchmarks;

import io.peerflux.multistream.Multistream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * multistream-select negotiations per second, initiator and responder both run here through the public
 * {@link Multistream#negotiate} operator on two embedded channels with no socket between them. The same channel
 * pair serves every operation: each negotiation installs its handler and removes it once agreed. {@code direct}:
 * the first proposal is accepted; {@code refused-first}: the first proposal is answered {@code na} and the second
 * accepted (what a dialer preferring TLS sees from a Noise-only peer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MultistreamBenchmark {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String AGREED = "/noise";

    @Param({"direct", "refused-first"})
    public String proposals;

    ChannelPair pair;
    List<String> offered;
    List<String> supported;

    @Setup
    public void setUp() {
        pair = new ChannelPair();
        offered = proposals.equals("direct") ? List.of(AGREED) : List.of("/tls/1.0.0", AGREED);
        supported = List.of(AGREED);
    }

    @TearDown
    public void tearDown() {
        pair.close();
    }

    @Benchmark
    public void negotiate(Blackhole blackhole) throws Exception {
        CompletableFuture<String> responder = Multistream.negotiate(pair.b, false, supported, TIMEOUT).toFuture();
        CompletableFuture<String> initiator = Multistream.negotiate(pair.a, true, offered, TIMEOUT).toFuture();
        pair.shuttle();
        if (!initiator.isDone() || !responder.isDone()) {
            throw new IllegalStateException("negotiation did not finish");
        }
        blackhole.consume(initiator.get());
        blackhole.consume(responder.get());
    }
}
