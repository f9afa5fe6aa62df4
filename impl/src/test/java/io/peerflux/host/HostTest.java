package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.ConnectionEvent;
import io.peerflux.DialException;
import io.peerflux.Direction;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.NegotiationException;
import io.peerflux.Stream;
import io.peerflux.StreamResetException;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.record.PeerRecord;
import io.peerflux.testing.TestHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The host's own behaviour, Java to Java over TCP + Noise + Yamux. */
class HostTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    Host server;
    Host client;

    @BeforeEach
    void start() {
        server = TestHosts.tcp(b -> b.handle("/fail/1.0.0", stream -> Mono.error(new IllegalStateException("boom"))));
        client = TestHosts.tcp();
    }

    @AfterEach
    void stop() {
        client.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    /** Waits up to five seconds for a condition that other threads make true. */
    static void eventually(java.util.function.BooleanSupplier condition) {
        StepVerifier.create(Mono.fromCallable(condition::getAsBoolean)
                        .filter(Boolean::booleanValue)
                        .repeatWhenEmpty(50, r -> r.delayElements(Duration.ofMillis(100))))
                .expectNext(true)
                .verifyComplete();
    }

    @Test
    void connectionsAreReusedAndReportedAsEvents() {
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        server.connectionEvents().subscribe(events::add);
        Connection first = client.connect(TestHosts.address(server)).block(TIMEOUT);
        Connection second = client.connect(TestHosts.address(server)).block(TIMEOUT);
        Connection byId = client.connect(server.peerId()).block(TIMEOUT);
        assertThat(second).isSameAs(first);
        assertThat(byId).isSameAs(first);
        assertThat(first.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(first.security()).isEqualTo("/noise");
        assertThat(first.muxer()).isEqualTo("/yamux/1.0.0");
        assertThat(first.remotePeer()).isEqualTo(server.peerId());

        first.close().block(TIMEOUT);
        eventually(() -> events.size() == 2);
        assertThat(events).extracting(ConnectionEvent::type)
                .containsExactly(ConnectionEvent.Type.OPENED, ConnectionEvent.Type.CLOSED);
        assertThat(client.connections()).isEmpty();
    }

    @Test
    void connectingByPeerIdTriesEachKnownAddressUntilOneWorks() throws Exception {
        Multiaddr refused = refusedAddress();
        client.peerstore().addAddresses(server.peerId(), List.of(refused, server.listenAddresses().get(0)));
        assertThat(client.connect(server.peerId()).block(TIMEOUT).remoteAddress())
                .isEqualTo(server.listenAddresses().get(0));
    }

    @Test
    void aConnectionDialedByPeerIdStaysOpen() {
        client.peerstore().addAddresses(server.peerId(), server.listenAddresses());
        Connection connection = client.connect(server.peerId()).block(TIMEOUT);
        // Its identify exchange needs the connection a moment after the dial: it must still be open then.
        assertThat(connection.identify().block(TIMEOUT).agentVersion()).startsWith("peerflux/");
        assertThat(connection.isOpen()).isTrue();
        assertThat(client.connections()).containsExactly(connection);
    }

    @Test
    void whenEveryAddressFailsTheErrorListsEachFailure() throws Exception {
        Host offline = TestHosts.tcp();
        offline.stop().block(TIMEOUT);
        List<Multiaddr> dead = List.of(refusedAddress(), refusedAddress());
        client.peerstore().addAddresses(offline.peerId(), dead);
        assertThatThrownBy(() -> client.connect(offline.peerId()).block(TIMEOUT))
                .isInstanceOf(DialException.class)
                .hasMessageContaining("all 2 addresses")
                .satisfies(e -> assertThat(e.getSuppressed()).filteredOn(DialException.class::isInstance)
                        .extracting(f -> ((DialException) f).address()).containsExactlyElementsOf(dead));
    }

    /** Ranked dials race: a working address 30 ms behind a silent one connects without waiting for its timeout. */
    @Test
    void aSilentAddressDoesNotHoldUpAWorkingOne() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Multiaddr stalls = Multiaddr.of("/ip4/127.0.0.1/tcp/" + silent.getLocalPort());
            client.peerstore().addAddresses(server.peerId(), List.of(stalls, server.listenAddresses().get(0)));
            long start = System.nanoTime();
            Connection connection = client.connect(server.peerId()).block(TIMEOUT);
            assertThat(connection.remoteAddress()).isEqualTo(server.listenAddresses().get(0));
            // One after the other, the silent address would have taken the whole dial timeout (10 s) first.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    static Multiaddr refusedAddress() throws Exception {
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            return Multiaddr.of("/ip4/127.0.0.1/tcp/" + closed.getLocalPort());
        }
    }

    @Test
    void dialingWithoutPeerIdLearnsIt() {
        Connection connection = client.connect(server.listenAddresses().get(0)).block(TIMEOUT);
        assertThat(connection.remotePeer()).isEqualTo(server.peerId());
        assertThat(client.peerstore().addresses(server.peerId())).contains(server.listenAddresses().get(0));
    }

    @Test
    void ipv6Loopback() {
        Host v6 = TestHosts.tcp(b -> b.listen(Multiaddr.of("/ip6/::1/tcp/0")));
        try {
            Multiaddr address = v6.listenAddresses().stream().filter(a -> a.toString().startsWith("/ip6/"))
                    .findFirst().orElseThrow();
            Connection connection = client.connect(Multiaddr.of(address + "/p2p/" + v6.peerId())).block(TIMEOUT);
            assertThat(connection.remoteAddress().toString()).startsWith("/ip6/::1/tcp/");
            assertThat(Echo.echo(connection, new byte[70_000], 1000).block(TIMEOUT)).isEqualTo(70_000);
        } finally {
            v6.stop().block(TIMEOUT);
        }
    }

    @Test
    void unsupportedProtocolFailsWithNegotiationException() {
        assertThatThrownBy(() -> client.newStream(TestHosts.address(server), "/nope/1.0.0", "/nope/2.0.0")
                .block(TIMEOUT))
                .isInstanceOf(NegotiationException.class)
                .satisfies(e -> assertThat(((NegotiationException) e).proposed())
                        .containsExactly("/nope/1.0.0", "/nope/2.0.0"));
        // The connection survives a failed negotiation.
        assertThat(client.ping(server.peerId()).block(TIMEOUT)).isPositive();
    }

    @Test
    void firstSupportedProtocolIsChosen() {
        Stream stream = client.newStream(TestHosts.address(server), "/nope/1.0.0", Echo.PROTOCOL_ID).block(TIMEOUT);
        assertThat(stream.protocol()).isEqualTo(Echo.PROTOCOL_ID);
        stream.reset().block(TIMEOUT);
    }

    @Test
    void aFailingHandlerResetsItsStream() {
        Stream stream = client.newStream(TestHosts.address(server), "/fail/1.0.0").block(TIMEOUT);
        StepVerifier.create(stream.receive()).expectError(StreamResetException.class).verify(TIMEOUT);
        assertThat(client.ping(server.peerId()).block(TIMEOUT)).isPositive();
    }

    @Test
    void halfCloseLetsTheOtherSideFinish() {
        Stream stream = client.newStream(TestHosts.address(server), Echo.PROTOCOL_ID).block(TIMEOUT);
        String reply = stream.send(Mono.just(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)))
                .then(stream.closeWrite())
                .thenMany(stream.receive().map(b -> b.toString(StandardCharsets.UTF_8)))
                .reduce(String::concat)
                .block(TIMEOUT);
        assertThat(reply).isEqualTo("hello");
        StepVerifier.create(stream.onClose()).verifyComplete();
    }

    @Test
    void retainedBuffersOutliveOnNext() {
        Stream stream = client.newStream(TestHosts.address(server), Echo.PROTOCOL_ID).block(TIMEOUT);
        List<ByteBuf> kept = stream.send(Mono.just(Unpooled.copiedBuffer("kept", StandardCharsets.UTF_8)))
                .then(stream.closeWrite())
                .thenMany(stream.receive().map(ByteBuf::retain))
                .collectList()
                .block(TIMEOUT);
        assertThat(kept.stream().map(b -> ByteBufUtil.getBytes(b).length).mapToInt(Integer::intValue).sum())
                .isEqualTo(4);
        kept.forEach(ByteBuf::release);
    }

    @Test
    void identifyPushTellsConnectedPeersAboutNewProtocols() {
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        IdentifyInfo first = connection.identify().block(TIMEOUT);
        assertThat(first.protocols()).doesNotContain("/added/1.0.0");
        server.handle("/added/1.0.0", s -> Mono.empty());
        StepVerifier.create(Mono.defer(() -> connection.identify())
                        .filter(info -> info.protocols().contains("/added/1.0.0"))
                        .repeatWhenEmpty(50, r -> r.delayElements(Duration.ofMillis(100))))
                .assertNext(pushed -> assertThat(pushed.signedPeerRecord()).as("the push carries the signed record")
                        .isNotNull().isEqualTo(first.signedPeerRecord()))
                .verifyComplete();
        assertThat(client.peerstore().protocols(server.peerId())).contains("/added/1.0.0");
    }

    @Test
    void identifyCarriesEachSidesSignedPeerRecordToTheOthersPeerstore() {
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        PeerRecord serverRecord = connection.identify().block(TIMEOUT).signedPeerRecord();
        assertThat(serverRecord.peerId()).isEqualTo(server.peerId());
        assertThat(serverRecord.addresses()).isEqualTo(server.listenAddresses());
        assertThat(client.peerstore().certifiedRecord(server.peerId())).contains(serverRecord);
        eventually(() -> server.peerstore().certifiedRecord(client.peerId()).isPresent());
        assertThat(server.peerstore().certifiedRecord(client.peerId()).get().addresses())
                .isEqualTo(client.listenAddresses());
    }

    @Test
    void stopClosesConnections() {
        client.connect(TestHosts.address(server)).block(TIMEOUT);
        server.stop().block(TIMEOUT);
        eventually(() -> client.connections().isEmpty());
    }

    /**
     * A stream closed both ways whose answer nobody read: the muxer forgets it, so its buffers are freed with the
     * connection (the leak detector fails this test otherwise), and a late reader gets an error, not a hang.
     */
    @Test
    void unreadDataOfAStreamClosedBothWaysIsFreedWithItsConnection() {
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        Stream stream = connection.newStream(Echo.PROTOCOL_ID).block(TIMEOUT);
        stream.send(Mono.just(Unpooled.wrappedBuffer("never read".getBytes(StandardCharsets.UTF_8))))
                .then(stream.closeWrite()).block(TIMEOUT);
        stream.onClose().block(TIMEOUT);
        connection.close().block(TIMEOUT);
        StepVerifier.create(stream.receive()).expectError(StreamResetException.class).verify(TIMEOUT);
    }

    /** Callers that connect to one peer at once share one dial: one connection, not one each. */
    @Test
    void concurrentConnectsToOnePeerShareOneDial() {
        client.peerstore().addAddresses(server.peerId(), server.listenAddresses());
        List<Connection> got = reactor.core.publisher.Flux.merge(
                        client.connect(server.peerId()), client.connect(TestHosts.address(server)),
                        client.connect(server.peerId()), client.connect(TestHosts.address(server)))
                .collectList().block(TIMEOUT);
        assertThat(got).hasSize(4);
        assertThat(got.stream().distinct()).hasSize(1);
        assertThat(client.connections()).hasSize(1);
    }
}
