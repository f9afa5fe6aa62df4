package io.peerflux.interop;

import static io.peerflux.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.mux.Muxer;
import io.peerflux.mux.mplex.Mplex;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.security.SecureTransport;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.tls.Tls;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.Transport;
import io.peerflux.transport.memory.MemoryTransport;
import io.peerflux.transport.quic.Quic;
import io.peerflux.transport.tcp.Tcp;
import io.peerflux.transport.ws.WebSocketTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every transport, secure channel and muxer combination that js-libp2p speaks on Node, in both directions: ping,
 * identify and an 8 MiB echo between a Peerflux host that offers only that combination and the pinned js-libp2p
 * peer. The outcome is written as a table to {@code target/interop-matrix.txt} (and printed by {@code .ci/run}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransportMatrixInteropTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int ECHO = 8 * 1024 * 1024;

    /**
     * One row of the matrix: how a Peerflux host is built and where it listens, and the js address it dials. QUIC
     * secures and multiplexes by itself; its host still names a secure channel and muxer, which go unused.
     */
    record Combination(String name, Supplier<Transport> transport, Supplier<SecureTransport> security,
                       Supplier<Muxer> muxer, String listen, Protocol jsAddressKind) {
    }

    static final List<Combination> COMBINATIONS = List.of(
            new Combination("tcp + noise + yamux", Tcp::create, Noise::create, Yamux::create,
                    "/ip4/127.0.0.1/tcp/0", Protocol.TCP),
            new Combination("tcp + noise + mplex", Tcp::create, Noise::create, Mplex::create,
                    "/ip4/127.0.0.1/tcp/0", Protocol.TCP),
            new Combination("tcp + tls + yamux", Tcp::create, Tls::create, Yamux::create,
                    "/ip4/127.0.0.1/tcp/0", Protocol.TCP),
            new Combination("tcp + tls + mplex", Tcp::create, Tls::create, Mplex::create,
                    "/ip4/127.0.0.1/tcp/0", Protocol.TCP),
            new Combination("quic-v1", Quic::create, Noise::create, Yamux::create,
                    "/ip4/127.0.0.1/udp/0/quic-v1", Protocol.QUIC_V1),
            new Combination("ws + noise + yamux", WebSocketTransport::create, Noise::create, Yamux::create,
                    "/ip4/127.0.0.1/tcp/0/ws", Protocol.WS));

    final Map<String, String> results = new ConcurrentHashMap<>();
    JsPeer js;

    @BeforeAll
    void start() throws Exception {
        js = JsPeer.start();
    }

    @AfterAll
    void stop() throws Exception {
        js.close();
        writeTable();
    }

    static Host host(Combination c) {
        Host host = Peerflux.host()
                .transport(c.transport().get())
                .security(c.security().get())
                .muxer(c.muxer().get())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of(c.listen()))
                .build();
        host.start().block(TIMEOUT);
        return host;
    }

    Multiaddr jsAddress(Combination c) {
        return c.jsAddressKind() == Protocol.TCP ? js.address() : js.addressWith(c.jsAddressKind());
    }

    @TestFactory
    Stream<DynamicTest> javaDialsJs() {
        return COMBINATIONS.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> record(c, "Java dials js", () -> {
            Host host = host(c);
            try {
                Connection connection = host.connect(jsAddress(c)).block(TIMEOUT);
                expectNegotiated(c, connection);
                Duration rtt = Ping.ping(connection, 1).blockLast(TIMEOUT);
                IdentifyInfo info = connection.identify().block(TIMEOUT);
                assertThat(info.agentVersion()).startsWith("js-libp2p/");
                long start = System.nanoTime();
                assertThat(Echo.echo(connection, random(ECHO), 64 * 1024).block(TIMEOUT)).isEqualTo(ECHO);
                return summary(rtt.toNanos() / 1e6, (System.nanoTime() - start) / 1e6);
            } finally {
                host.stop().block(TIMEOUT);
            }
        })));
    }

    @TestFactory
    Stream<DynamicTest> jsDialsJava() {
        return COMBINATIONS.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> record(c, "js dials Java", () -> {
            Host host = host(c);
            try {
                Map<String, Object> to = Map.of("addr", TestHosts.address(host).toString());
                double rtt = js.command("ping", to, TIMEOUT).get("rttMillis").asDouble();
                JsonNode identify = js.command("identify", to, TIMEOUT);
                assertThat(identify.get("agentVersion").asText()).startsWith("peerflux/");
                Map<String, Object> echo = new LinkedHashMap<>(to);
                echo.put("bytes", ECHO);
                double millis = js.command("echo", echo, TIMEOUT).get("millis").asDouble();
                Connection inbound = host.connections().stream()
                        .filter(conn -> conn.remotePeer().equals(js.peerId())).findFirst().orElseThrow();
                expectNegotiated(c, inbound);
                return summary(rtt, millis);
            } finally {
                host.stop().block(TIMEOUT);
            }
        })));
    }

    @TestFactory
    Stream<DynamicTest> javaToJavaOverMemory() {
        Combination memory = new Combination("memory + noise + yamux", MemoryTransport::create, Noise::create,
                Yamux::create, "/memory/0", Protocol.MEMORY);
        return Stream.of(DynamicTest.dynamicTest(memory.name(), () -> record(memory, "Java dials Java", () -> {
            Host server = host(memory);
            Host client = host(memory);
            try {
                Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
                Duration rtt = Ping.ping(connection, 1).blockLast(TIMEOUT);
                assertThat(connection.identify().block(TIMEOUT).agentVersion()).startsWith("peerflux/");
                long start = System.nanoTime();
                assertThat(Echo.echo(connection, random(ECHO), 64 * 1024).block(TIMEOUT)).isEqualTo(ECHO);
                return summary(rtt.toNanos() / 1e6, (System.nanoTime() - start) / 1e6);
            } finally {
                client.stop().block(TIMEOUT);
                server.stop().block(TIMEOUT);
            }
        })));
    }

    /** The connection runs exactly the combination under test (QUIC reports its own security and muxer). */
    static void expectNegotiated(Combination c, Connection connection) {
        String security = c.security().get().protocolId();
        String muxer = c.muxer().get().protocolId();
        if (c.jsAddressKind() == Protocol.QUIC_V1) {
            assertThat(connection.remoteAddress().has(Protocol.QUIC_V1)).isTrue();
            assertThat(connection.security()).isEqualTo(Tls.PROTOCOL_ID);
        } else {
            assertThat(connection.security()).isEqualTo(security);
            assertThat(connection.muxer()).isEqualTo(muxer);
        }
    }

    static String summary(double pingMillis, double echoMillis) {
        return String.format("ok: ping %.1f ms, 8 MiB echo %.0f ms", pingMillis, echoMillis);
    }

    interface Check {
        String run() throws Exception;
    }

    void record(Combination c, String direction, Check check) throws Exception {
        try {
            results.put(c.name() + "|" + direction, check.run());
        } catch (Exception | AssertionError e) {
            results.put(c.name() + "|" + direction, "FAILED: " + e.getClass().getSimpleName());
            throw e;
        }
    }

    private void writeTable() throws IOException {
        List<String> names = new ArrayList<>(COMBINATIONS.stream().map(Combination::name).toList());
        names.add("memory + noise + yamux");
        List<String> lines = new ArrayList<>();
        lines.add("Interop matrix (Peerflux vs js-libp2p " + "3.3.11, loopback)");
        lines.add(String.format("| %-24s | %-42s | %-42s |", "combination", "Java dials js / Java dials Java",
                "js dials Java"));
        lines.add("|" + "-".repeat(26) + "|" + "-".repeat(44) + "|" + "-".repeat(44) + "|");
        for (String name : names) {
            String out = results.getOrDefault(name + "|Java dials js",
                    results.getOrDefault(name + "|Java dials Java", "not run"));
            String in = results.getOrDefault(name + "|js dials Java", name.startsWith("memory") ? "n/a" : "not run");
            lines.add(String.format("| %-24s | %-42s | %-42s |", name, out, in));
        }
        Path file = Path.of("target", "interop-matrix.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
        lines.forEach(System.out::println);
    }
}
