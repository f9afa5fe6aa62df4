package io.peerflux.interop;

import static io.peerflux.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Connection;
import io.peerflux.Direction;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.security.tls.Tls;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.tcp.Tcp;
import io.peerflux.transport.ws.WebSocketTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Peerflux against the pinned js-libp2p peer over TCP + TLS + Yamux, in both directions, and over WebSocket. The
 * Java hosts offer TLS only, so whichever side dials, the connection is TLS, and Yamux is agreed in ALPN.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsInteropTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    JsPeer js;
    Host host;

    @BeforeAll
    void start() throws Exception {
        js = JsPeer.start();
        host = Peerflux.host()
                .transport(Tcp.create())
                .security(Tls.create())
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
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

    /** Closes every connection between js and {@code host}, so that the next test dials afresh in its direction. */
    void hangUp(Host host) throws Exception {
        js.command("hangUp", Map.of("addr", TestHosts.address(host).toString()), TIMEOUT);
        for (Connection connection : host.connections()) {
            connection.close().block(TIMEOUT);
        }
    }

    Connection connectionFromJs() {
        Connection inbound = host.connections().stream()
                .filter(c -> c.remotePeer().equals(js.peerId())).findFirst().orElseThrow();
        assertThat(inbound.direction()).isEqualTo(Direction.INBOUND);
        assertThat(inbound.security()).isEqualTo(Tls.PROTOCOL_ID);
        assertThat(inbound.muxer()).isEqualTo(Yamux.PROTOCOL_ID);
        return inbound;
    }

    /** TLS over WebSocket, the other transport TLS runs on: a host of its own that listens on {@code /ws}. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverWebSocket {

        Host wsHost;

        @BeforeAll
        void start() {
            wsHost = Peerflux.host()
                    .transport(WebSocketTransport.create())
                    .security(Tls.create())
                    .muxer(Yamux.create())
                    .handle(Echo.PROTOCOL_ID, Echo.handler())
                    .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0/ws"))
                    .build();
            wsHost.start().block(TIMEOUT);
        }

        @AfterAll
        void stop() {
            wsHost.stop().block(TIMEOUT);
        }

        @BeforeEach
        void fresh() throws Exception {
            hangUp(wsHost);
        }

        @Test
        void javaDialsJs() {
            Connection connection = wsHost.connect(js.addressWith(Protocol.WS)).block(TIMEOUT);
            assertThat(connection.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(connection.security()).isEqualTo(Tls.PROTOCOL_ID);
            assertThat(Echo.echo(connection, random(1 << 20), 64 * 1024).block(TIMEOUT)).isEqualTo(1 << 20);
        }

        @Test
        void jsDialsJava() throws Exception {
            JsonNode reply = js.command("echo", Map.of("addr", TestHosts.address(wsHost).toString(),
                    "bytes", 1 << 20), TIMEOUT);
            assertThat(reply.get("bytes").asInt()).isEqualTo(1 << 20);
            assertThat(wsHost.connections()).anySatisfy(c -> {
                assertThat(c.direction()).isEqualTo(Direction.INBOUND);
                assertThat(c.security()).isEqualTo(Tls.PROTOCOL_ID);
            });
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JavaDialsJs {

        @BeforeEach
        void fresh() throws Exception {
            hangUp(host);
        }

        Connection connection() {
            Connection connection = host.connect(js.address()).block(TIMEOUT);
            assertThat(connection.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(connection.security()).isEqualTo(Tls.PROTOCOL_ID);
            assertThat(connection.muxer()).isEqualTo(Yamux.PROTOCOL_ID);
            return connection;
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
            assertThat(info.listenAddresses()).contains(js.address().withoutPeerId());
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
        void echo(int size) {
            assertThat(Echo.echo(connection(), random(size), 64 * 1024).block(TIMEOUT)).isEqualTo(size);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JsDialsJava {

        @BeforeEach
        void fresh() throws Exception {
            hangUp(host);
        }

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
            connectionFromJs();
        }

        @Test
        void identifySeesJavaProtocolsAndAgent() throws Exception {
            JsonNode reply = js.command("identify", to(), TIMEOUT);
            assertThat(reply.get("peerId").asText()).isEqualTo(host.peerId().toString());
            assertThat(reply.get("agentVersion").asText()).startsWith("peerflux/");
            List<String> protocols = new java.util.ArrayList<>();
            reply.get("protocols").forEach(p -> protocols.add(p.asText()));
            assertThat(protocols).containsAll(host.protocols());
            assertThat(connectionFromJs().identify().block(TIMEOUT).agentVersion()).startsWith("js-libp2p/");
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
        void echo(int size) throws Exception {
            JsonNode reply = js.command("echo", to("bytes", size), TIMEOUT);
            assertThat(reply.get("bytes").asInt()).isEqualTo(size);
            connectionFromJs();
        }
    }
}
