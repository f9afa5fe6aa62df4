package io.peerflux.interop;

import static io.peerflux.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.testing.TestHosts;
import java.time.Duration;
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
 * Peerflux against the pinned js-libp2p peer ({@code interop/peer.mjs}, {@code @chainsafe/libp2p-quic}) over QUIC v1
 * with libp2p TLS, in both directions, over real loopback sockets. The Java host offers QUIC only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuicInteropTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    JsPeer js;
    Host host;

    @BeforeAll
    void start() throws Exception {
        js = JsPeer.start();
        host = TestHosts.quic();
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

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JavaDialsJs {

        Connection connection() {
            Connection connection = host.connect(js.addressWith(Protocol.QUIC_V1)).block(TIMEOUT);
            assertThat(connection.remoteAddress().toString()).endsWith("/quic-v1");
            return connection;
        }

        @Test
        void connectsOverQuicWithTls() {
            Connection connection = connection();
            assertThat(connection.remotePeer()).isEqualTo(js.peerId());
            assertThat(connection.security()).isEqualTo("/tls/1.0.0");
            assertThat(connection.muxer()).isEqualTo("quic-v1");
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
            assertThat(info.listenAddresses()).contains(js.addressWith(Protocol.QUIC_V1).withoutPeerId());
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

        Map<String, Object> to(Object... more) {
            Map<String, Object> args = new HashMap<>();
            args.put("addr", host.listenAddresses().get(0) + "/p2p/" + host.peerId());
            for (int i = 0; i < more.length; i += 2) {
                args.put((String) more[i], more[i + 1]);
            }
            return args;
        }

        @Test
        void ping() throws Exception {
            JsonNode reply = js.command("ping", to(), TIMEOUT);
            assertThat(reply.get("rttMillis").asDouble()).isGreaterThanOrEqualTo(0);
        }

        @Test
        void identifySeesJavaProtocolsAndAgent() throws Exception {
            JsonNode reply = js.command("identify", to(), TIMEOUT);
            assertThat(reply.get("peerId").asText()).isEqualTo(host.peerId().toString());
            assertThat(reply.get("agentVersion").asText()).startsWith("peerflux/");
            List<String> protocols = new java.util.ArrayList<>();
            reply.get("protocols").forEach(p -> protocols.add(p.asText()));
            assertThat(protocols).containsAll(host.protocols());
            List<String> listenAddrs = new java.util.ArrayList<>();
            reply.get("listenAddrs").forEach(a -> listenAddrs.add(a.asText()));
            assertThat(listenAddrs).contains(host.listenAddresses().get(0).toString());
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 64 * 1024, 8 * 1024 * 1024})
        void echo(int size) throws Exception {
            JsonNode reply = js.command("echo", to("bytes", size), TIMEOUT);
            assertThat(reply.get("bytes").asInt()).isEqualTo(size);
        }

        @Test
        @org.junit.jupiter.api.Disabled("Known upstream bug, cause shown: quiche 0.24.5 (in Netty 4.2.18) drops a "
                + "zero-length FIN queued while the congestion window is full once the stream's data is acknowledged "
                + "(cloudflare/quiche#2525, fix in #2665). Our echo half-closes after js did, its data already sent, so "
                + "js waits forever for the end of a few of the 100 streams: about 1 repetition in 100 under CPU load")
        void hundredConcurrentStreamsOnOneConnection() throws Exception {
            JsonNode reply = js.command("echo", to("bytes", 4096, "streams", 100), TIMEOUT);
            assertThat(reply.get("streams").asInt()).isEqualTo(100);
            assertThat(reply.get("connections").asInt()).isEqualTo(1);
        }
    }
}
