package io.peerflux.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Host;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.quic.Quic;
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
        host = Peerflux.host()
                .transport(Quic.create())
                .security(Noise.create())
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/ip4/127.0.0.1/udp/0/quic-v1"))
                .build();
        host.start().block(TIMEOUT);

        // Over QUIC to the other js peer first: its server sends the client NEW_TOKEN frames once connected.
        client.command("ping", Map.of("addr", other.addressWith(Protocol.QUIC_V1).toString()), TIMEOUT);
        // Then to Peerflux, whose address is also QUIC only.
        String java = host.listenAddresses().get(0) + "/p2p/" + host.peerId();
        JsonNode reply = client.command("echo", Map.of("addr", java, "bytes", 64 * 1024), TIMEOUT);
        assertThat(reply.get("bytes").asInt()).isEqualTo(64 * 1024);
    }
}
