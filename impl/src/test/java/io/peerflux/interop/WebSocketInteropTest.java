package io.peerflux.interop;

import static io.peerflux.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.ws.WebSocketTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Peerflux against the pinned js-libp2p peer over WebSocket ({@code /ip4/127.0.0.1/tcp/N/ws}) + Noise + Yamux, in
 * both directions. The Java host has no other transport, so every connection here is a WebSocket one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketInteropTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    JsPeer js;
    Host host;

    @BeforeAll
    void start() throws Exception {
        js = JsPeer.start();
        host = Peerflux.host()
                .transport(WebSocketTransport.create())
                .security(Noise.create())
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0/ws"))
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

    /** Closes every connection between the two, from both ends, so that the next test dials afresh. */
    void disconnect() throws Exception {
        for (Connection connection : host.connections()) {
            connection.close().block(TIMEOUT);
        }
        js.command("hangUp", Map.of("addr", TestHosts.address(host).toString()), TIMEOUT);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JavaDialsJs {

        @BeforeAll
        void dialAfresh() throws Exception {
            disconnect();
        }

        Connection connection() {
            Connection connection = host.connect(js.webSocketAddress()).block(TIMEOUT);
            assertThat(connection.remoteAddress()).isEqualTo(js.webSocketAddress().withoutPeerId());
            return connection;
        }

        @Test
        void ping() {
            List<Duration> rtts = Ping.ping(connection(), 3).collectList().block(TIMEOUT);
            assertThat(rtts).hasSize(3).allSatisfy(rtt -> assertThat(rtt).isPositive());
        }

        @Test
        void identifySeesJsProtocolsAgentAndWebSocketAddress() {
            IdentifyInfo info = connection().identify().block(TIMEOUT);
            assertThat(info.agentVersion()).startsWith("js-libp2p/");
            assertThat(info.protocols()).containsAll(js.protocols());
            assertThat(info.listenAddresses()).contains(js.webSocketAddress().withoutPeerId());
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

        @BeforeAll
        void dialAfresh() throws Exception {
            disconnect();
        }

        Map<String, Object> to(Object... more) {
            Multiaddr address = TestHosts.address(host);
            assertThat(address.has(io.peerflux.multiaddr.Protocol.WS)).isTrue();
            Map<String, Object> args = new HashMap<>();
            args.put("addr", address.toString());
            for (int i = 0; i < more.length; i += 2) {
                args.put((String) more[i], more[i + 1]);
            }
            return args;
        }

        @Test
        void ping() throws Exception {
            JsonNode reply = js.command("ping", to(), TIMEOUT);
            assertThat(reply.get("rttMillis").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(host.connections()).filteredOn(c -> c.remotePeer().equals(js.peerId())).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.localAddress()).isEqualTo(host.listenAddresses().get(0)));
        }

        @Test
        void identifySeesJavaProtocolsAgentAndWebSocketAddress() throws Exception {
            JsonNode reply = js.command("identify", to(), TIMEOUT);
            assertThat(reply.get("peerId").asText()).isEqualTo(host.peerId().toString());
            assertThat(reply.get("agentVersion").asText()).startsWith("peerflux/");
            List<String> protocols = new ArrayList<>();
            reply.get("protocols").forEach(p -> protocols.add(p.asText()));
            assertThat(protocols).containsAll(host.protocols());
            List<String> listenAddrs = new ArrayList<>();
            reply.get("listenAddrs").forEach(a -> listenAddrs.add(a.asText()));
            assertThat(listenAddrs).contains(host.listenAddresses().get(0).toString());
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
        void echo(int size) throws Exception {
            JsonNode reply = js.command("echo", to("bytes", size), TIMEOUT);
            assertThat(reply.get("bytes").asInt()).isEqualTo(size);
        }
    }
}
