package io.peerflux.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.peerflux.Connection;
import io.peerflux.Direction;
import io.peerflux.Host;
import io.peerflux.StreamHandler;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.interop.TransportMatrixInteropTest.Combination;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.protocol.perf.Perf;
import io.peerflux.protocol.perf.PerfResult;
import io.peerflux.testing.TestHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /perf/1.0.0} against the pinned js-libp2p peer's own perf handler and client, both ways, over
 * tcp + noise + yamux, tcp + tls + yamux and quic-v1: a 16 MiB (and a few bytes) upload and download, with each
 * side's count of the bytes it received checked. The sizes are not multiples of the 64 KiB chunk on purpose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerfInteropTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final long UPLOAD = 16L * 1024 * 1024 + 5;
    static final long DOWNLOAD = 16L * 1024 * 1024 + 3;
    static final List<String> COMBINATIONS = List.of("tcp + noise + yamux", "tcp + tls + yamux", "quic-v1");

    final List<String> results = new ArrayList<>();
    JsPeer js;

    @BeforeAll
    void start() throws Exception {
        js = JsPeer.start();
        assertThat(js.protocols()).contains(Perf.PROTOCOL_ID);
    }

    @AfterAll
    void stop() throws Exception {
        js.close();
        results.forEach(System.out::println);
    }

    static Stream<Combination> combinations() {
        return TransportMatrixInteropTest.COMBINATIONS.stream().filter(c -> COMBINATIONS.contains(c.name()));
    }

    @TestFactory
    Stream<DynamicTest> javaClientJsServer() {
        return combinations().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Host host = host(c, null);
            try {
                Connection connection = host.connect(c.jsAddressKind() == Protocol.TCP ? js.address()
                        : js.addressWith(c.jsAddressKind())).block(TIMEOUT);
                TransportMatrixInteropTest.expectNegotiated(c, connection);
                js.command("perfServed", Map.of(), TIMEOUT);
                PerfResult result = Perf.run(connection, UPLOAD, DOWNLOAD).block(TIMEOUT);

                assertThat(result.uploadBytes()).isEqualTo(UPLOAD);
                assertThat(result.downloadBytes()).isEqualTo(DOWNLOAD);
                JsonNode served = js.command("perfServed", Map.of(), TIMEOUT).get("served");
                assertThat(served).hasSize(1);
                assertThat(served.get(0).get("uploadBytes").asLong()).as("bytes the js server received")
                        .isEqualTo(UPLOAD);
                assertThat(served.get(0).get("downloadBytes").asLong()).isEqualTo(DOWNLOAD);
                record(c, "Java client, js server", result.uploadNanos() / 1e9, result.downloadNanos() / 1e9);
            } finally {
                host.stop().block(TIMEOUT);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> jsClientJavaServer() {
        return combinations().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            BlockingQueue<Long> uploadsReceived = new LinkedBlockingQueue<>();
            BlockingQueue<Connection> served = new LinkedBlockingQueue<>();
            Host host = host(c, stream -> {
                served.add(stream.connection());
                return countingUpload(stream, uploadsReceived);
            });
            try {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("addr", TestHosts.address(host).toString());
                request.put("upload", UPLOAD);
                request.put("download", DOWNLOAD);
                JsonNode reply = js.command("perf", request, TIMEOUT);

                assertThat(reply.get("downloadBytes").asLong()).as("bytes the js client received")
                        .isEqualTo(DOWNLOAD);
                assertThat(uploadsReceived.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                        .as("bytes the Java server received after the 8-byte size").isEqualTo(UPLOAD);
                // js closes its connection after the run: the one the handler saw tells how it was made.
                Connection inbound = served.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(inbound.remotePeer()).isEqualTo(js.peerId());
                assertThat(inbound.direction()).isEqualTo(Direction.INBOUND);
                TransportMatrixInteropTest.expectNegotiated(c, inbound);
                record(c, "js client, Java server", reply.get("uploadSeconds").asDouble(),
                        reply.get("downloadSeconds").asDouble());
            } finally {
                host.stop().block(TIMEOUT);
            }
        }));
    }

    /** A host speaking only the combination {@code c}, serving {@code perf} unless it is null. */
    static Host host(Combination c, StreamHandler perf) {
        HostBuilder builder = Peerflux.host()
                .transport(c.transport().get())
                .security(c.security().get())
                .muxer(c.muxer().get())
                .listen(Multiaddr.of(c.listen()));
        if (perf != null) {
            builder.handle(Perf.PROTOCOL_ID, perf);
        }
        Host host = builder.build();
        host.start().block(TIMEOUT);
        return host;
    }

    /** Serves perf, reporting how many bytes arrived after the 8-byte size once the handler completes. */
    static Publisher<Void> countingUpload(io.peerflux.Stream stream, BlockingQueue<Long> uploadsReceived) {
        AtomicLong received = new AtomicLong();
        io.peerflux.Stream counting = new ForwardingStream(stream) {
            @Override
            public Flux<ByteBuf> receive() {
                return stream.receive().doOnNext(buf -> received.addAndGet(buf.readableBytes()));
            }
        };
        return Mono.from(Perf.handler().handle(counting)).doOnSuccess(v -> uploadsReceived.add(received.get() - 8));
    }

    void record(Combination c, String direction, double uploadSeconds, double downloadSeconds) {
        synchronized (results) {
            results.add(String.format("perf %-20s %-24s upload %.3f s, download %.3f s", c.name(), direction,
                    uploadSeconds, downloadSeconds));
        }
    }

    /** A stream that forwards everything to another. */
    abstract static class ForwardingStream implements io.peerflux.Stream {
        final io.peerflux.Stream delegate;

        ForwardingStream(io.peerflux.Stream delegate) {
            this.delegate = delegate;
        }

        @Override
        public String id() {
            return delegate.id();
        }

        @Override
        public Connection connection() {
            return delegate.connection();
        }

        @Override
        public String protocol() {
            return delegate.protocol();
        }

        @Override
        public Direction direction() {
            return delegate.direction();
        }

        @Override
        public Flux<ByteBuf> receive() {
            return delegate.receive();
        }

        @Override
        public Mono<Void> send(Publisher<? extends ByteBuf> data) {
            return delegate.send(data);
        }

        @Override
        public void keepWhenIdle() {
            delegate.keepWhenIdle();
        }

        @Override
        public Mono<Void> closeWrite() {
            return delegate.closeWrite();
        }

        @Override
        public Mono<Void> reset() {
            return delegate.reset();
        }

        @Override
        public Mono<Void> onClose() {
            return delegate.onClose();
        }
    }
}
