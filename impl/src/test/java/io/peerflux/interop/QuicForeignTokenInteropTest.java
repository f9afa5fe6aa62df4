package io.peerflux.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Host;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.testing.TestHosts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A js-libp2p client (quinn inside) that has met another QUIC peer keeps that peer's NEW_TOKEN token under the
 * server name libp2p uses for every peer, and brings it in its Initial to Peerflux. Peerflux must still accept the
 * connection (RFC 9000 section 8.1.3): here, by answering with a Retry of its own.
 */
class QuicForeignTokenInteropTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    JsPeer client;
    JsPeer other;
    Host host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.stop().block(TIMEOUT);
        }
        for (JsPeer js : new JsPeer[] {client, other}) {
            if (js != null) {
                js.close();
            }
        }
    }

    @Test
    void jsDialsJavaAfterMeetingAnotherQuicPeer() throws Exception {
        client = JsPeer.start();
        other = JsPeer.start();
        host = TestHosts.quic();

        // Over QUIC to the other js peer first: its server sends the client NEW_TOKEN frames once connected.
        client.command("ping", Map.of("addr", other.addressWith(Protocol.QUIC_V1).toString()), TIMEOUT);
        // Then to Peerflux, whose address is also QUIC only.
        String java = TestHosts.address(host).toString();
        JsonNode reply = client.command("echo", Map.of("addr", java, "bytes", 64 * 1024), TIMEOUT);
        assertThat(reply.get("bytes").asInt()).isEqualTo(64 * 1024);
    }
}
