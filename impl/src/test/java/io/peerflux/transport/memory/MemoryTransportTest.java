package io.peerflux.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.Connection;
import io.peerflux.DialException;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.RawConnection;
import io.peerflux.transport.Transport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The memory transport alone, then Java hosts over it (Noise + Yamux). */
@Timeout(120)
class MemoryTransportTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final PrivateKey KEY = PrivateKey.generateEd25519();

    final MemoryTransport transport = MemoryTransport.create();
    final List<Host> hosts = new ArrayList<>();
    final List<Transport.Listener> listeners = new ArrayList<>();

    @AfterEach
    void stop() {
        Flux.fromIterable(hosts).flatMap(Host::stop).then().block(TIMEOUT);
        Flux.fromIterable(listeners).flatMap(Transport.Listener::close).then().block(TIMEOUT);
    }

    Transport.Listener listen(String address, CompletableFuture<RawConnection> accepted) {
        Transport.Listener listener = transport.listen(Multiaddr.of(address), KEY, accepted::complete).block(TIMEOUT);
        listeners.add(listener);
        return listener;
    }

    Host host() {
        Host host = TestHosts.memory();
        hosts.add(host);
        return host;
    }

    @Test
    void understandsOnlyMemoryAddresses() {
        assertThat(transport.canListen(Multiaddr.of("/memory/0"))).isTrue();
        assertThat(transport.canDial(Multiaddr.of("/memory/18446744073709551615"))).isTrue();
        assertThat(transport.canDial(Multiaddr.of("/memory/7/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")))
                .isTrue();
        assertThat(transport.canListen(Multiaddr.of("/memory/7/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")))
                .isFalse();
        assertThat(transport.canDial(Multiaddr.of("/ip4/127.0.0.1/tcp/1"))).isFalse();
        assertThat(transport.canListen(Multiaddr.of("/memory/1/ws"))).isFalse();
    }

    @Test
    void listeningOnZeroPicksAFreshIdAndBothEndsHaveAddresses() throws Exception {
        CompletableFuture<RawConnection> accepted = new CompletableFuture<>();
        Transport.Listener first = listen("/memory/0", accepted);
        Transport.Listener second = listen("/memory/0", new CompletableFuture<>());
        assertThat(first.address().toString()).startsWith("/memory/").isNotEqualTo("/memory/0");
        assertThat(second.address()).isNotEqualTo(first.address());

        RawConnection dialed = transport.dial(first.address(), TIMEOUT, KEY, null).block(TIMEOUT);
        RawConnection inbound = accepted.get();
        try {
            assertThat(dialed.remoteAddress()).isEqualTo(first.address());
            assertThat(inbound.localAddress()).isEqualTo(first.address());
            assertThat(dialed.localAddress().toString()).startsWith("/memory/")
                    .isNotEqualTo(first.address().toString());
            assertThat(inbound.remoteAddress()).isEqualTo(dialed.localAddress());
        } finally {
            dialed.channel().close().syncUninterruptibly();
        }
    }

    @Test
    void anIdCanBeChosenOnceAndIsFreedOnClose() {
        long id = new Random().nextLong() >>> 1;
        Transport.Listener taken = listen("/memory/" + id, new CompletableFuture<>());
        assertThat(taken.address()).isEqualTo(Multiaddr.of("/memory/" + id));
        assertThatThrownBy(() -> transport.listen(Multiaddr.of("/memory/" + id), KEY, c -> { }).block(TIMEOUT))
                .hasMessageContaining("already in use");
        taken.close().block(TIMEOUT);
        listen("/memory/" + id, new CompletableFuture<>());
    }

    @Test
    void dialingNobodyFailsWithADialException() {
        Multiaddr nobody = Multiaddr.of("/memory/" + (new Random().nextLong() >>> 1));
        assertThatThrownBy(() -> transport.dial(nobody, TIMEOUT, KEY, null).block(TIMEOUT))
                .isInstanceOf(DialException.class)
                .hasMessageContaining(nobody.toString());
    }

    @Test
    void dialIsLazy() {
        CompletableFuture<RawConnection> accepted = new CompletableFuture<>();
        Transport.Listener listener = listen("/memory/0", accepted);
        Mono<RawConnection> dial = transport.dial(listener.address(), TIMEOUT, KEY, null);
        Mono.delay(Duration.ofMillis(200)).block();
        assertThat(accepted).isNotDone();
        dial.block(TIMEOUT).channel().close().syncUninterruptibly();
        assertThat(accepted).succeedsWithin(TIMEOUT);
    }

    @Test
    void echoPingAndIdentifyBetweenHosts() {
        Host server = host();
        Host client = host();
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);

        assertThat(connection.remoteAddress()).isEqualTo(server.listenAddresses().get(0));
        byte[] payload = new byte[8 << 20];
        new Random(1).nextBytes(payload);
        assertThat(Echo.echo(connection, payload, 64 * 1024).block(TIMEOUT)).isEqualTo(payload.length);
        assertThat(Ping.ping(connection, 3).collectList().block(TIMEOUT))
                .hasSize(3).allSatisfy(rtt -> assertThat(rtt).isPositive());
        IdentifyInfo info = connection.identify().block(TIMEOUT);
        assertThat(info.listenAddresses()).containsExactlyElementsOf(server.listenAddresses());
        assertThat(info.observedAddress()).isEqualTo(connection.localAddress());
        assertThat(info.protocols()).contains(Echo.PROTOCOL_ID, Ping.PROTOCOL_ID);
        assertThat(server.ping(client.peerId()).block(TIMEOUT)).isPositive();
    }

    /**
     * Two hundred hosts in one JVM, each listening on {@code /memory/0}, each dialing three others and pinging them
     * (six hundred Noise handshakes, Yamux sessions, identify exchanges and pings), on the shared event loops.
     */
    @Test
    void twoHundredHostsEachDialThreeAndPing() {
        int count = 200;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();
        long start = System.nanoTime();
        List<Host> many = Flux.range(0, count)
                .flatMap(i -> Mono.fromCallable(this::host), 8)
                .collectList().block(Duration.ofSeconds(60));
        long started = System.nanoTime();
        // Thirty-two hosts dial at a time: all six hundred handshakes at once would queue on the shared loops
        // for longer than a dial may take on a busy machine.
        List<Duration> rtts = Flux.range(0, count)
                .flatMap(i -> Flux.just(1, 7, 31)
                        .flatMap(step -> many.get(i).connect(TestHosts.address(many.get((i + step) % count)))
                                .flatMap(c -> Ping.ping(c, 1).next())), 32)
                .collectList().block(Duration.ofSeconds(90));
        long done = System.nanoTime();
        int threadsAfter = threads.getThreadCount();

        System.out.printf("memory transport: %d hosts started in %d ms; %d dials + pings in %d ms; "
                        + "live threads %d before, %d after (JVM peak %d)%n", count, (started - start) / 1_000_000,
                rtts.size(), (done - started) / 1_000_000, threadsBefore, threadsAfter, threads.getPeakThreadCount());
        assertThat(rtts).hasSize(3 * count).allSatisfy(rtt -> assertThat(rtt).isPositive());
        assertThat(many).allSatisfy(h -> assertThat(h.connections()).hasSize(6));
        assertThat(threadsAfter - threadsBefore).as("threads added for %d hosts", count).isLessThan(32);
    }
}
