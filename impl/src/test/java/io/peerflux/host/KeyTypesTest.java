package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.tls.Tls;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.tcp.Tcp;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every key type we can generate works as a host identity on both ends, over each secure channel, on event loops. */
class KeyTypesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    static Stream<Arguments> identitiesAndChannels() {
        Supplier<PrivateKey> ed25519 = PrivateKey::generateEd25519;
        Supplier<PrivateKey> secp256k1 = PrivateKey::generateSecp256k1;
        Supplier<PrivateKey> p256 = PrivateKey::generateEcdsaP256;
        return Stream.of("noise", "tls").flatMap(channel -> Stream.of(
                Arguments.of("ed25519", ed25519, channel),
                Arguments.of("secp256k1", secp256k1, channel),
                Arguments.of("ecdsa-p256", p256, channel)));
    }

    @ParameterizedTest(name = "{0} over {2}")
    @MethodSource("identitiesAndChannels")
    void hostsWithThisKeyTypeConnectAndEcho(String keyType, Supplier<PrivateKey> keys, String channel) {
        Host server = host(keys.get(), channel);
        Host client = host(keys.get(), channel);
        try {
            Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
            assertThat(connection.remotePeer()).isEqualTo(server.peerId());
            assertThat(connection.security()).isEqualTo(channel.equals("tls") ? Tls.PROTOCOL_ID : Noise.PROTOCOL_ID);
            assertThat(Echo.echo(connection, new byte[100_000], 16 * 1024).block(TIMEOUT)).isEqualTo(100_000);
        } finally {
            client.stop().block(TIMEOUT);
            server.stop().block(TIMEOUT);
        }
    }

    private static Host host(PrivateKey identity, String channel) {
        Host host = Peerflux.host()
                .identity(identity)
                .transport(Tcp.create())
                .security(channel.equals("tls") ? Tls.create() : Noise.create())
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .build();
        host.start().block(TIMEOUT);
        return host;
    }
}
