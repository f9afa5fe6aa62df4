package io.peerflux.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.peerflux.transport.tcp.Tcp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two hosts, Java to Java over TCP + TLS + Yamux, with the muxer agreed in ALPN. */
class TlsHostTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Host server = tlsHost();
    private final Host client = tlsHost();

    static Host tlsHost() {
        Host host = Peerflux.host()
                .transport(Tcp.create())
                .security(Tls.create())
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .build();
        host.start().block(TIMEOUT);
        return host;
    }

    @AfterEach
    void stop() {
        client.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    @Test
    void connectsOverTlsWithYamuxAgreedInAlpn() {
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);

        assertThat(connection.security()).isEqualTo(Tls.PROTOCOL_ID);
        assertThat(connection.muxer()).isEqualTo(Yamux.PROTOCOL_ID);
        assertThat(connection.remotePeer()).isEqualTo(server.peerId());
        List<Duration> rtts = Ping.ping(connection, 3).collectList().block(TIMEOUT);
        assertThat(rtts).hasSize(3);
        IdentifyInfo info = connection.identify().block(TIMEOUT);
        assertThat(info.protocols()).contains(Echo.PROTOCOL_ID);
    }

    @Test
    void echoesEightMebibytes() {
        byte[] payload = new byte[8 << 20];
        ThreadLocalRandom.current().nextBytes(payload);
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);

        assertThat(Echo.echo(connection, payload, 64 * 1024).block(TIMEOUT)).isEqualTo(payload.length);
    }

    @Test
    void hostOfferingNoiseThenTlsMeetsATlsOnlyHostOnTls() {
        Host both = Peerflux.host().transport(Tcp.create()).security(Noise.create()).security(Tls.create())
                .muxer(Yamux.create()).build();
        both.start().block(TIMEOUT);
        try {
            Connection connection = both.connect(TestHosts.address(server)).block(TIMEOUT);
            assertThat(connection.security()).isEqualTo(Tls.PROTOCOL_ID);
            assertThat(Echo.echo(connection, new byte[100_000], 16 * 1024).block(TIMEOUT)).isEqualTo(100_000);
        } finally {
            both.stop().block(TIMEOUT);
        }
    }
}
