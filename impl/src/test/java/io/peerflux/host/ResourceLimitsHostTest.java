package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.resource.IpLimits;
import io.peerflux.resource.ResourceLimits;
import io.peerflux.resource.ResourceUsage;
import io.peerflux.resource.ScopeLimit;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.BufferMemory;
import io.peerflux.testing.Eventually;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.quic.Quic;
import io.peerflux.transport.tcp.Tcp;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The hostile-load probes of the hardening issue, replayed over real loopback sockets against a host with a
 * resource manager: each stays within the configured limits, and a fresh client is served during and after it.
 */
class ResourceLimitsHostTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final long MIB = 1 << 20;

    final List<Host> hosts = new ArrayList<>();
    final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        Flux.fromIterable(hosts).flatMap(h -> h.stop().onErrorResume(e -> Mono.empty()), 64).blockLast(TIMEOUT);
    }

    Host server(ResourceLimits limits) {
        Host server = TestHosts.tcp(b -> b.resourceLimits(limits).listen(Multiaddr.of("/ip6/::1/tcp/0")));
        hosts.add(server);
        return server;
    }

    Host client(PrivateKey identity) {
        Host client = Peerflux.host().identity(identity).transport(Tcp.create()).security(Noise.create())
                .muxer(Yamux.create()).withoutResourceManager().dialTimeout(Duration.ofSeconds(10)).build();
        synchronized (hosts) {
            hosts.add(client);
        }
        return client;
    }

    /** A new client, over IPv6 loopback (another network than the attacker's 127/8), echoes 100 KB. */
    void freshClientIsServed(Host server) {
        freshClientIsServed(server, 0);
    }

    /**
     * Like {@link #freshClientIsServed(Host)}, for a client that dials again up to {@code redials} times, 200 ms
     * apart, as clients do when a server is busy.
     */
    void freshClientIsServed(Host server, int redials) {
        Multiaddr v6 = server.listenAddresses().stream().filter(a -> a.toString().startsWith("/ip6")).findFirst()
                .orElseThrow();
        Host fresh = client(PrivateKey.generateEd25519());
        Connection connection = Mono.defer(() -> fresh.connect(Multiaddr.of(v6 + "/p2p/" + server.peerId())))
                .retryWhen(Retry.fixedDelay(redials, Duration.ofMillis(200)))
                .block(TIMEOUT);
        assertThat(Echo.echo(connection, new byte[100_000], 16 * 1024).block(TIMEOUT)).isEqualTo(100_000);
    }

    /** Keeps the largest value {@code probe} returns, sampling every millisecond until closed. */
    static final class Max implements AutoCloseable {
        final AtomicLong max = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;

        Max(LongSupplier probe) {
            thread = new Thread(() -> {
                while (running.get()) {
                    max.accumulateAndGet(probe.getAsLong(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }, "max-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long get() {
            return max.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    static long connectionsOf(Host server, PeerId peer) {
        return server.connections().stream().filter(c -> c.remotePeer().equals(peer)).count();
    }

    @Test
    void aThousandConnectionsFromOnePeerHoldAtMostItsLimit() throws Exception {
        Host server = server(ResourceLimits.scaled(1 << 30, 20_000));
        PrivateKey identity = PrivateKey.generateEd25519();
        PeerId attacker = PeerId.fromPublicKey(identity.publicKey());
        Multiaddr target = TestHosts.address(server);
        try (Max held = new Max(() -> connectionsOf(server, attacker));
             Max counted = new Max(() -> server.resourceManager().peer(attacker).connsInbound())) {
            AtomicInteger refused = new AtomicInteger();
            Flux.range(0, 1000)
                    .flatMap(i -> client(identity).connect(target)
                            .onErrorResume(e -> {
                                refused.incrementAndGet();
                                return Mono.empty();
                            }), 32)
                    .then().block(TIMEOUT);
            freshClientIsServed(server);
            assertThat(held.get()).isLessThanOrEqualTo(8);
            assertThat(counted.get()).isLessThanOrEqualTo(8);
        }
        assertThat(connectionsOf(server, attacker)).isBetween(1L, 8L);
        assertThat(server.resourceManager().refusals()).isGreaterThanOrEqualTo(1000 - 8);
        freshClientIsServed(server);
    }

    @Test
    void aThousandPeerIdsFromOneAddressHoldAtMostItsLimit() throws Exception {
        Host server = server(ResourceLimits.scaled(1 << 30, 20_000)
                .withIpLimits(IpLimits.DEFAULTS.withLimitLoopback(true)));
        Multiaddr target = server.listenAddresses().get(0);
        try (Max fromV4 = new Max(() -> server.connections().stream()
                .filter(c -> c.remoteAddress().toString().startsWith("/ip4/127.0.0.1/")).count())) {
            Flux.range(0, 1000)
                    .flatMap(i -> {
                        Host client = client(PrivateKey.generateEd25519());
                        return client.connect(Multiaddr.of(target + "/p2p/" + server.peerId()))
                                .onErrorResume(e -> Mono.empty());
                    }, 32)
                    .then().block(TIMEOUT);
            freshClientIsServed(server);
            assertThat(fromV4.get()).isBetween(1L, 8L);
        }
        assertThat(server.resourceManager().system().connsInbound()).isLessThanOrEqualTo(8 + 1);
        assertThat(server.resourceManager().refusals()).isGreaterThanOrEqualTo(1000 - 16);
        freshClientIsServed(server);
    }

    /** Opens a TCP connection from {@code source} that never sends a byte. */
    Socket silent(String source, InetSocketAddress target) throws Exception {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(target, 5000);
        synchronized (sockets) {
            sockets.add(socket);
        }
        return socket;
    }

    @Test
    void aSlowlorisAtThePendingCapCostsTheAttackerNotNewClients() throws Exception {
        int pendingCap = 16;
        Host server = server(ResourceLimits.scaled(1 << 30, 20_000)
                .withTransient(ResourceLimits.scaled(1 << 30, 20_000).transientScope().withConns(pendingCap, 64, 64))
                .withIpLimits(IpLimits.DEFAULTS.withLimitLoopback(true)));
        InetSocketAddress target = server.listenAddresses().get(0).toInetSocketAddress().orElseThrow();
        try (Max pending = new Max(() -> server.resourceManager().transientScope().connsInbound())) {
            // One address: at most 8 of its 1,000 silent connections are held.
            for (int i = 0; i < 1000; i++) {
                silent("127.0.0.2", target);
            }
            Eventually.await(() -> server.resourceManager().refusals() >= 1000 - 8, TIMEOUT);
            assertThat(server.resourceManager().transientScope().connsInbound()).isLessThanOrEqualTo(8);

            // Many addresses, more silent connections than the pending cap, still arriving while a client connects.
            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicInteger opened = new AtomicInteger();
            Thread attack = new Thread(() -> {
                try {
                    for (int i = 0; attacking.get() && i < 2000; i++) {
                        silent("127.0.0." + (3 + i % 40), target);
                        opened.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "slowloris");
            attack.start();
            Eventually.await(() -> opened.get() >= 400, TIMEOUT);
            // While the cap is full of connections younger than EVICTABLE_AFTER, a newcomer is refused; within a
            // few seconds the attacker's burst allowance is spent and the client gets in by evicting one.
            long start = System.nanoTime();
            freshClientIsServed(server, 25);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            attacking.set(false);
            attack.join();
            assertThat(pending.get()).isLessThanOrEqualTo(pendingCap);
        }
        assertThat(server.resourceManager().transientScope().connsInbound()).isLessThanOrEqualTo(pendingCap);
        freshClientIsServed(server);
    }

    @Test
    void aThousandUnreadStreamsStayWithinThePeersMemory() throws Exception {
        long peerMemory = 32 * MIB;
        Host server = server(ResourceLimits.scaled(1 << 30, 20_000)
                .withPeer(ResourceLimits.scaled(1 << 30, 20_000).peer().withMemory(peerMemory)
                        .withStreams(2000, 2000, 4000))
                .withConnection(ScopeLimit.UNLIMITED.withConns(1, 1, 1).withFds(1).withMemory(peerMemory)));
        Host attacker = client(PrivateKey.generateEd25519());
        Connection connection = attacker.connect(TestHosts.address(server)).block(TIMEOUT);
        PeerId attackerId = attacker.peerId();
        AtomicLong pulled = new AtomicLong();
        AtomicInteger accepted = new AtomicInteger();
        try (BufferMemory memory = BufferMemory.sample();
             Max reserved = new Max(() -> server.resourceManager().peer(attackerId).memory())) {
            Flux.range(0, 1000)
                    .flatMap(i -> connection.newStream(Echo.PROTOCOL_ID)
                            .doOnNext(stream -> {
                                accepted.incrementAndGet();
                                // Sends 1 MiB in 64 KiB pieces and never reads the replies.
                                stream.send(Flux.range(0, 16).map(n -> {
                                    pulled.addAndGet(64 * 1024);
                                    ByteBuf chunk = ByteBufAllocator.DEFAULT.buffer(64 * 1024);
                                    return chunk.writeZero(64 * 1024);
                                })).subscribe(null, e -> { });
                            })
                            .onErrorResume(e -> Mono.empty()), 64)
                    .then().block(TIMEOUT);
            int streams = accepted.get();
            assertThat(streams).isBetween(50, 130);
            // Saturated: every accepted stream filled the server's receive window and the window of replies.
            Eventually.await(() -> pulled.get() >= streams * 512L * 1024, TIMEOUT);
            freshClientIsServed(server);
            assertThat(reserved.get()).isLessThanOrEqualTo(peerMemory);
            // Both ends live in this JVM: the server's share is bounded by the peer limit, the attacker's by its
            // windows on the streams the server accepted. Unbounded, the same probe holds over 500 MiB.
            assertThat(memory.peakGrowth()).isLessThan(peerMemory + streams * 640L * 1024 + 16 * MIB);
        }
        ResourceUsage usage = server.resourceManager().peer(attackerId);
        assertThat(usage.memory()).isLessThanOrEqualTo(peerMemory);
        connection.close().block(TIMEOUT);
        Eventually.await(() -> server.resourceManager().peer(attackerId).equals(ResourceUsage.ZERO), TIMEOUT);
        assertThat(server.resourceManager().system().memory()).isZero();
        freshClientIsServed(server);
    }

    @Test
    void quicStreamsAreCountedInTheirPeersScope() throws Exception {
        ResourceLimits base = ResourceLimits.scaled(1 << 30, 20_000);
        Host server = Peerflux.host().transport(Quic.create()).security(Noise.create()).muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/ip4/127.0.0.1/udp/0/quic-v1"))
                .resourceLimits(base.withPeer(base.peer().withStreams(10, 10, 20)))
                .build();
        hosts.add(server);
        server.start().block(TIMEOUT);
        Host client = Peerflux.host().transport(Quic.create()).security(Noise.create()).muxer(Yamux.create())
                .withoutResourceManager().build();
        hosts.add(client);
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        PeerId clientId = client.peerId();
        AtomicInteger opened = new AtomicInteger();
        List<io.peerflux.Stream> held = new ArrayList<>();
        try (Max counted = new Max(() -> server.resourceManager().peer(clientId).streamsInbound())) {
            Flux.range(0, 30)
                    .flatMap(i -> connection.newStream(Echo.PROTOCOL_ID)
                            .doOnNext(stream -> {
                                opened.incrementAndGet();
                                synchronized (held) {
                                    held.add(stream);
                                }
                            })
                            .onErrorResume(e -> Mono.empty()), 30)
                    .then().block(TIMEOUT);
            assertThat(counted.get()).isBetween(1L, 10L);
        }
        assertThat(opened.get()).isBetween(1, 10);
        Flux.fromIterable(held).flatMap(io.peerflux.Stream::reset).then().block(TIMEOUT);
        Eventually.await(() -> server.resourceManager().peer(clientId).streams() == 0, TIMEOUT);
    }

    @Test
    void aHostWithoutResourceManagerSaysSo() {
        Host host = TestHosts.tcp(b -> b.withoutResourceManager());
        hosts.add(host);
        assertThat(host.resourceManager().enabled()).isFalse();
        assertThat(host.resourceManager().system()).isEqualTo(ResourceUsage.ZERO);
        assertThatThrownBy(() -> Peerflux.host().transport(Tcp.create()).security(Noise.create())
                .muxer(Yamux.create()).withoutResourceManager().resourceLimits(ResourceLimits.unlimited()).build())
                .isInstanceOf(IllegalStateException.class);
    }
}
