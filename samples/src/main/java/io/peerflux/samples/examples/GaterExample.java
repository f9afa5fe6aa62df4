package io.peerflux.samples.examples;

import io.peerflux.Connection;
import io.peerflux.ConnectionGatedException;
import io.peerflux.ConnectionGater;
import io.peerflux.DialException;
import io.peerflux.Direction;
import io.peerflux.Host;
import io.peerflux.host.ConnectionManagerConfig;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.host.UpgradeStep;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.tcp.Tcp;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The limits chapter's example (docs/limits.md): a server with a connection gater that refuses a denied peer once its
 * identity is proven, an upgrade step that logs each stage, and tighter connection manager settings; a friend that
 * connects and echoes, a denied peer whose connection is closed, and a dial refused by the dialer's own gater.
 *
 * <pre>java -cp samples/target/peerflux.jar io.peerflux.samples.examples.GaterExample</pre>
 */
public final class GaterExample {

    static final Duration WAIT = Duration.ofSeconds(30);

    private GaterExample() {}

    public static void main(String[] args) {
        Set<PeerId> denied = ConcurrentHashMap.newKeySet();
        Host server = host().handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .connectionGater(new ConnectionGater() {
                    @Override
                    public boolean allowSecured(Direction direction, PeerId peer, Multiaddr remoteAddress) {
                        return !denied.contains(peer);
                    }
                })
                .upgradeStep(new UpgradeStep() {
                    @Override
                    public Mono<Secured> secured(Mono<Secured> secured) {
                        return secured.doOnNext(s -> System.out.println("secured: " + s.raw().direction()
                                + " connection from " + s.remotePeer()));
                    }
                })
                .connectionManager(ConnectionManagerConfig.defaults()
                        .withWatermarks(40, 50)
                        .withIdleStreamTimeout(Duration.ofMinutes(2)))
                .build();
        Host friend = host().build();
        Host stranger = host().build();
        Host careful = host().connectionGater(new ConnectionGater() {
            @Override
            public boolean allowDial(PeerId peer, Multiaddr address) {
                return false; // this one dials nobody
            }
        }).build();
        try {
            for (Host host : new Host[] {server, friend, stranger, careful}) {
                host.start().block(WAIT);
            }
            Multiaddr serverAddress = server.listenAddresses().get(0)
                    .encapsulate(Multiaddr.of("/p2p/" + server.peerId()));
            denied.add(stranger.peerId());

            Connection connection = friend.connect(serverAddress).block(WAIT);
            System.out.println("friend echoed " + Echo.echo(connection, new byte[5], 5).block(WAIT) + " bytes");

            // The stranger's handshake ends before the server's does: it sees its connection open, then closed.
            stranger.connect(serverAddress).flatMap(Connection::onClose).onErrorResume(e -> Mono.empty())
                    .block(WAIT);
            System.out.println("stranger's connection closed by the server");

            try {
                careful.connect(serverAddress).block(WAIT);
            } catch (DialException e) {
                ConnectionGatedException gated = (ConnectionGatedException) e.getCause();
                System.out.println("careful's own gater refused the dial at " + gated.stage());
            }
        } finally {
            for (Host host : new Host[] {careful, stranger, friend, server}) {
                host.stop().block(WAIT);
            }
        }
    }

    private static HostBuilder host() {
        return Peerflux.host().transport(Tcp.create()).security(Noise.create()).muxer(Yamux.create());
    }
}
