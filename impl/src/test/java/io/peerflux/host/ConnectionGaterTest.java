package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.Connection;
import io.peerflux.ConnectionEvent;
import io.peerflux.ConnectionGatedException;
import io.peerflux.ConnectionGater;
import io.peerflux.DialException;
import io.peerflux.Direction;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.testing.Eventually;
import io.peerflux.testing.RunningHosts;
import io.peerflux.testing.TestHosts;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * A gater refuses at each of its four stages, in both directions: the refused connection closes with a typed error
 * where there is a dialer to tell, and every other connection carries on.
 */
class ConnectionGaterTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final RunningHosts hosts = new RunningHosts();

    Host host(UnaryOperator<HostBuilder> customize) {
        return hosts.tcp(customize);
    }

    /** {@code refused} failed with a gated dial error at {@code stage}. */
    static void assertGated(Mono<Connection> refused, ConnectionGatedException.Stage stage) {
        assertThatThrownBy(() -> refused.block(TIMEOUT))
                .isInstanceOf(DialException.class)
                .hasMessageContaining("gated")
                .cause().isInstanceOf(ConnectionGatedException.class)
                .satisfies(e -> assertThat(((ConnectionGatedException) e).stage()).isEqualTo(stage));
    }

    /** {@code host}'s connection to {@code peer} (the bystander's) still carries data. */
    static void stillWorks(Host host, Host peer) {
        Connection connection = host.connect(TestHosts.address(peer)).block(TIMEOUT);
        assertThat(Echo.echo(connection, new byte[5000], 1000).block(TIMEOUT)).isEqualTo(5000);
    }

    @Test
    void aRefusedDialOpensNoSocketAndOtherDialsGoOn() {
        Host refusedServer = host(b -> b);
        Host allowedServer = host(b -> b);
        List<ConnectionEvent> seenByRefused = new CopyOnWriteArrayList<>();
        refusedServer.connectionEvents().subscribe(seenByRefused::add);
        Multiaddr refused = refusedServer.listenAddresses().get(0);
        Host client = host(b -> b.connectionGater(new ConnectionGater() {
            @Override
            public boolean allowDial(PeerId peer, Multiaddr address) {
                return !address.withoutPeerId().equals(refused);
            }
        }));

        assertGated(client.connect(TestHosts.address(refusedServer)), ConnectionGatedException.Stage.DIAL);
        client.peerstore().addAddresses(refusedServer.peerId(), List.of(refused));
        assertThatThrownBy(() -> client.connect(refusedServer.peerId()).block(TIMEOUT))
                .isInstanceOf(DialException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).filteredOn(DialException.class::isInstance)
                        .singleElement()
                        .satisfies(s -> assertThat(s).hasCauseInstanceOf(ConnectionGatedException.class)));
        stillWorks(client, allowedServer);
        assertThat(seenByRefused).isEmpty();
        assertThat(refusedServer.connections()).isEmpty();
    }

    @Test
    void aRefusedAcceptClosesOnlyThatConnection() {
        List<Multiaddr> refusedFrom = new CopyOnWriteArrayList<>();
        Host bystander = host(b -> b);
        // The bystander dials first; then the server refuses every connection.
        AtomicBoolean open = new AtomicBoolean(true);
        Host server = host(b -> b.connectionGater(new ConnectionGater() {
            @Override
            public boolean allowAccept(Multiaddr localAddress, Multiaddr remoteAddress) {
                if (!open.get()) {
                    refusedFrom.add(remoteAddress);
                }
                return open.get();
            }
        }));
        stillWorks(bystander, server);
        open.set(false);

        Host refused = host(b -> b);
        assertThatThrownBy(() -> refused.connect(TestHosts.address(server)).block(TIMEOUT))
                .isInstanceOf(DialException.class);
        assertThat(refusedFrom).singleElement().satisfies(a -> assertThat(a.toString()).startsWith("/ip4/127.0.0.1/"));
        assertThat(server.connections()).extracting(Connection::remotePeer).containsExactly(bystander.peerId());
        stillWorks(bystander, server);
    }

    /** A gater that refuses {@code peer} once secured, in one direction. */
    static ConnectionGater refuseSecured(Direction direction, PeerId peer) {
        return new ConnectionGater() {
            @Override
            public boolean allowSecured(Direction d, PeerId p, Multiaddr remoteAddress) {
                return !(d == direction && p.equals(peer));
            }
        };
    }

    @Test
    void securedRefusalOutbound() {
        Host server = host(b -> b);
        Host other = host(b -> b);
        Host client = host(b -> b.connectionGater(refuseSecured(Direction.OUTBOUND, server.peerId())));
        // Dialed by address without a peer id: only the handshake tells who it is.
        assertGated(client.connect(server.listenAddresses().get(0)), ConnectionGatedException.Stage.SECURED);
        stillWorks(client, other);
        Eventually.await(() -> server.connections().isEmpty(), TIMEOUT);
    }

    @Test
    void securedRefusalInbound() {
        Host client = host(b -> b);
        Host bystander = host(b -> b);
        Host server = host(b -> b.connectionGater(refuseSecured(Direction.INBOUND, client.peerId())));
        // The initiator's handshake ends one message before the responder's: the client may see its connection
        // open, and then closed.
        client.connect(TestHosts.address(server)).flatMap(Connection::onClose).onErrorResume(e -> Mono.empty())
                .block(TIMEOUT);
        Eventually.await(() -> client.connections().isEmpty(), TIMEOUT);
        stillWorks(bystander, server);
        assertThat(server.connections()).extracting(Connection::remotePeer).containsExactly(bystander.peerId());
    }

    /** A gater that refuses fully upgraded connections with {@code peer} in one direction. */
    static ConnectionGater refuseUpgraded(Direction direction, PeerId peer) {
        return new ConnectionGater() {
            @Override
            public boolean allowUpgraded(Connection connection) {
                return !(connection.direction() == direction && connection.remotePeer().equals(peer));
            }
        };
    }

    @Test
    void upgradedRefusalOutbound() {
        Host server = host(b -> b);
        Host other = host(b -> b);
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        Host client = host(b -> b.connectionGater(refuseUpgraded(Direction.OUTBOUND, server.peerId())));
        client.connectionEvents().subscribe(events::add);
        assertGated(client.connect(TestHosts.address(server)), ConnectionGatedException.Stage.UPGRADED);
        stillWorks(client, other);
        assertThat(events).extracting(e -> e.connection().remotePeer()).containsOnly(other.peerId());
        Eventually.await(() -> server.connections().isEmpty(), TIMEOUT);
    }

    @Test
    void upgradedRefusalInbound() {
        Host client = host(b -> b);
        Host bystander = host(b -> b);
        Host server = host(b -> b.connectionGater(refuseUpgraded(Direction.INBOUND, client.peerId())));
        // The client finished its side before the server refused: its connection closes soon after.
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        connection.onClose().onErrorResume(e -> Mono.empty()).block(TIMEOUT);
        stillWorks(bystander, server);
        assertThat(server.connections()).extracting(Connection::remotePeer).containsExactly(bystander.peerId());
    }

    @Test
    void severalGatersMustAllAllow() {
        Host first = host(b -> b);
        Host second = host(b -> b);
        Host third = host(b -> b);
        Host client = host(b -> b
                .connectionGater(refuseSecured(Direction.OUTBOUND, first.peerId()))
                .connectionGater(refuseSecured(Direction.OUTBOUND, second.peerId())));
        for (Host refused : Set.of(first, second)) {
            assertGated(client.connect(TestHosts.address(refused)), ConnectionGatedException.Stage.SECURED);
        }
        stillWorks(client, third);
        assertThat(client.connections()).extracting(Connection::remotePeer).containsExactly(third.peerId());
    }
}
