package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.Stream;
import io.peerflux.StreamResetException;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.Eventually;
import io.peerflux.transport.memory.MemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Watermarks and grace period (in virtual time), idle streams and idle connections, between hosts in one JVM. */
class ConnectionManagerTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String HOLD = "/hold/1.0.0";
    static final String KEEP = "/keep/1.0.0";

    final List<Host> hosts = new CopyOnWriteArrayList<>();
    final List<Throwable> heldStreamErrors = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        hosts.forEach(h -> h.stop().block(TIMEOUT));
        VirtualTimeScheduler.reset();
    }

    /** A memory host serving echo and {@link #HOLD} (reads until the stream ends), started. */
    Host host(ConnectionManagerConfig config) {
        Host host = Peerflux.host()
                .transport(MemoryTransport.create())
                .security(Noise.create())
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .handle(HOLD, stream -> stream.receive().then().doOnError(heldStreamErrors::add))
                .handle(KEEP, stream -> {
                    stream.keepWhenIdle();
                    return stream.receive().then();
                })
                .listen(Multiaddr.of("/memory/0"))
                .connectionManager(config)
                .build();
        host.start().block(TIMEOUT);
        hosts.add(host);
        return host;
    }

    static Multiaddr address(Host host) {
        return host.listenAddresses().get(0).encapsulate(Multiaddr.of("/p2p/" + host.peerId()));
    }

    static Set<PeerId> peers(Host host) {
        return host.connections().stream().map(Connection::remotePeer).collect(Collectors.toSet());
    }

    /** Connects {@code client} to {@code server}, and waits until the server has added, then closed, it. */
    static void connectThenSeeClosed(Host client, Host server) {
        client.connect(address(server)).block(TIMEOUT);
        Eventually.await(() -> peers(server).contains(client.peerId()), TIMEOUT);
        Eventually.await(() -> !peers(server).contains(client.peerId()), TIMEOUT);
    }

    @Test
    void aboveTheHighWatermarkTrimsToTheLowOneAfterTheGracePeriodSparingProtectedAndValuablePeers() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        Host server = host(ConnectionManagerConfig.defaults().withWatermarks(2, 4));
        List<Host> clients = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 6; i++) {
            Host client = host(ConnectionManagerConfig.defaults());
            client.connect(address(server)).block(TIMEOUT);
            clients.add(client);
        }
        Eventually.await(() -> server.connections().size() == 6, TIMEOUT);
        server.connectionManager().protect(clients.get(0).peerId(), "test");
        server.connectionManager().tag(clients.get(1).peerId(), "test", 100);
        server.connectionManager().tag(clients.get(2).peerId(), "test", 50);

        time.advanceTimeBy(Duration.ofSeconds(59)); // five checks, every connection still in its grace period
        // The checks ran on this thread, during the advance: a connection they chose would be closing by now.
        assertThat(server.connections()).hasSize(6)
                .noneMatch(c -> ((HostConnection) c).isClosing());

        time.advanceTimeBy(Duration.ofSeconds(11)); // the check at 60 s trims 6 - 2 = 4: the cheapest peers
        Eventually.await(() -> server.connections().size() == 2, TIMEOUT);
        assertThat(peers(server)).containsExactlyInAnyOrder(clients.get(0).peerId(), clients.get(1).peerId());
    }

    @Test
    void aStreamWithNoTrafficIsResetAndABusyOneLives() throws Exception {
        Duration idle = Duration.ofMillis(300);
        Host server = host(ConnectionManagerConfig.defaults().withIdleStreamTimeout(idle));
        Host client = host(ConnectionManagerConfig.defaults());
        Connection connection = client.connect(address(server)).block(TIMEOUT);

        Stream quiet = connection.newStream(HOLD).block(TIMEOUT);
        Stream busy = connection.newStream(Echo.PROTOCOL_ID).block(TIMEOUT);
        List<ByteBuf> echoed = new CopyOnWriteArrayList<>();
        busy.receive().subscribe(b -> echoed.add(b.retain()));
        // One byte every 100 ms for four idle timeouts.
        CompletableFuture<Void> sending = busy.send(Flux.interval(Duration.ofMillis(100)).take(12)
                .map(i -> Unpooled.wrappedBuffer(new byte[] {i.byteValue()}))).toFuture();

        StepVerifier.create(quiet.receive()).expectError(StreamResetException.class).verify(TIMEOUT);
        Eventually.await(() -> !heldStreamErrors.isEmpty(), TIMEOUT);
        assertThat(heldStreamErrors.get(0)).isInstanceOf(StreamResetException.class)
                .hasCauseInstanceOf(TimeoutException.class);

        sending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Eventually.await(() -> echoed.stream().mapToInt(ByteBuf::readableBytes).sum() == 12, TIMEOUT);
        echoed.forEach(ByteBuf::release);
        busy.reset().block(TIMEOUT);
    }

    @Test
    void aStreamKeptWhenIdleOutlivesTheIdleTimeout() {
        Duration idle = Duration.ofMillis(300);
        Host server = host(ConnectionManagerConfig.defaults().withIdleStreamTimeout(idle));
        Host client = host(ConnectionManagerConfig.defaults());
        Connection connection = client.connect(address(server)).block(TIMEOUT);
        Stream kept = connection.newStream(KEEP).block(TIMEOUT);
        Stream quiet = connection.newStream(HOLD).block(TIMEOUT);

        StepVerifier.create(quiet.receive()).expectError(StreamResetException.class).verify(TIMEOUT);
        // The other stream, as quiet, is still open a few timeouts later: it carries data both ways.
        StepVerifier.create(Flux.interval(idle.multipliedBy(3)).take(1).then(kept.send(
                Flux.just(Unpooled.wrappedBuffer(new byte[] {1}))))).verifyComplete();
        kept.reset().block(TIMEOUT);
    }

    @Test
    void aConnectionWithoutStreamsIsClosedUnlessItsPeerIsProtectedOrItHasAStream() {
        Host server = host(ConnectionManagerConfig.defaults().withIdleConnectionTimeout(Duration.ofMillis(300)));
        Host guarded = host(ConnectionManagerConfig.defaults());
        Host streaming = host(ConnectionManagerConfig.defaults());
        Host idle = host(ConnectionManagerConfig.defaults());
        Host later = host(ConnectionManagerConfig.defaults());
        server.connectionManager().protect(guarded.peerId(), "test");
        guarded.connect(address(server)).block(TIMEOUT);
        Stream open = streaming.connect(address(server)).flatMap(c -> c.newStream(HOLD)).block(TIMEOUT);
        connectThenSeeClosed(idle, server);
        // A connection made after that one closed closes too: by then the others were idle for longer.
        connectThenSeeClosed(later, server);
        assertThat(peers(server)).containsExactlyInAnyOrder(guarded.peerId(), streaming.peerId());
        open.reset().block(TIMEOUT);
    }
}
