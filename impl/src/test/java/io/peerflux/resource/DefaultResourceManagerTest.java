package io.peerflux.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DefaultResourceManagerTest {

    static final PeerId ALICE = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
    static final PeerId BOB = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());

    final AtomicLong clock = new AtomicLong();
    long underflowsBefore;

    @BeforeEach
    void noteUnderflows() {
        underflowsBefore = Scope.UNDERFLOWS.get();
    }

    @AfterEach
    void noUnderflows() {
        assertThat(Scope.UNDERFLOWS.get()).isEqualTo(underflowsBefore);
    }

    static InetAddress ip(String text) {
        return IpPrefix.parse(text).network();
    }

    DefaultResourceManager manager(ResourceLimits limits) {
        return DefaultResourceManager.create(limits, clock::get);
    }

    static ResourceLimits open() {
        return ResourceLimits.unlimited();
    }

    @Test
    void anInboundConnectionMovesFromTransientToItsPeerAndIsGivenBack() {
        DefaultResourceManager rm = manager(open());
        ConnectionResources conn = rm.openInbound(ip("192.0.2.1"), true, () -> { });
        assertThat(rm.transientScope()).isEqualTo(new ResourceUsage(1, 0, 0, 0, 0, 1));
        assertThat(rm.system()).isEqualTo(new ResourceUsage(1, 0, 0, 0, 0, 1));

        conn.setPeer(ALICE);
        assertThat(rm.transientScope()).isEqualTo(ResourceUsage.ZERO);
        assertThat(rm.peer(ALICE)).isEqualTo(new ResourceUsage(1, 0, 0, 0, 0, 1));

        StreamResources stream = conn.openStream(Direction.INBOUND, 1000);
        assertThat(rm.transientScope().streamsInbound()).isEqualTo(1);
        assertThat(rm.peer(ALICE).memory()).isEqualTo(1000);
        stream.setProtocol("/echo/1.0.0");
        assertThat(rm.transientScope().streamsInbound()).isZero();
        assertThat(rm.protocols().get("/echo/1.0.0").streamsInbound()).isEqualTo(1);
        assertThat(stream.reserveMemory(500)).isNull();
        stream.releaseMemory(200);
        assertThat(rm.system().memory()).isEqualTo(1300);

        conn.close();
        conn.close();
        // The stream outlives its connection's scope until the muxer lets it go: the peer scope stays while held.
        assertThat(rm.peer(ALICE).streamsInbound()).isEqualTo(1);
        stream.close();
        stream.close();
        assertThat(rm.system()).isEqualTo(ResourceUsage.ZERO);
        assertThat(rm.peers()).isEmpty();
        assertThat(rm.protocols()).isEmpty();
    }

    @Test
    void aPeerHoldsAtMostItsConnectionLimit() {
        DefaultResourceManager rm = manager(open().withPeer(ScopeLimit.UNLIMITED.withConns(8, 8, 8)));
        for (int i = 0; i < 8; i++) {
            rm.openInbound(ip("192.0.2.1"), true, () -> { }).setPeer(ALICE);
        }
        ConnectionResources ninth = rm.openInbound(ip("192.0.2.1"), true, () -> { });
        assertThatThrownBy(() -> ninth.setPeer(ALICE)).isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.scope()).isEqualTo("peer " + ALICE + " inbound connections");
            assertThat(e.current()).isEqualTo(8);
            assertThat(e.attempted()).isEqualTo(1);
            assertThat(e.limit()).isEqualTo(8);
        });
        // Refused, it is still counted as pending until closed.
        assertThat(rm.transientScope().connsInbound()).isEqualTo(1);
        ninth.close();
        assertThat(rm.system().connsInbound()).isEqualTo(8);
        assertThat(rm.peer(ALICE).connsInbound()).isEqualTo(8);
        rm.openInbound(ip("192.0.2.1"), true, () -> { }).setPeer(BOB);
        assertThat(rm.refusals()).isEqualTo(1);
    }

    @Test
    void aServiceReservesInItsScopeAndTheSystemsUpToTheSystemMemoryLimit() {
        DefaultResourceManager rm = manager(open().withSystem(ScopeLimit.UNLIMITED.withMemory(1000)));
        ServiceMemory kad = rm.service("kad");
        assertThat(kad.reserve(600)).isTrue();
        StreamResources stream = rm.openOutbound(ALICE, false).openStream(Direction.OUTBOUND, 300);
        assertThat(kad.reserve(200)).as("the system's memory is shared with connections").isFalse();
        assertThat(kad.reserve(100)).isTrue();
        assertThat(rm.services()).containsEntry("kad", new ResourceUsage(0, 0, 0, 0, 700, 0));
        assertThat(rm.system().memory()).isEqualTo(1000);
        kad.release(700);
        stream.close();
        assertThat(rm.services().get("kad")).isEqualTo(ResourceUsage.ZERO);
        assertThat(rm.service("kad").reserve(1000)).as("one scope per name").isTrue();
        assertThat(rm.services()).hasSize(1);
    }

    @Test
    void theTotalLimitCountsBothDirections() {
        DefaultResourceManager rm = manager(open().withSystem(ScopeLimit.UNLIMITED.withConns(2, 2, 3)));
        rm.openInbound(null, false, () -> { });
        rm.openInbound(null, false, () -> { });
        rm.openOutbound(ALICE, false);
        assertThatThrownBy(() -> rm.openOutbound(BOB, false)).isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.scope()).isEqualTo("system connections"));
        assertThat(rm.peer(BOB)).isEqualTo(ResourceUsage.ZERO);
    }

    @Test
    void aFullPendingCapEvictsTheOldestPendingConnection() {
        DefaultResourceManager rm = manager(open().withTransient(ScopeLimit.UNLIMITED.withConns(2, 2, 2)));
        AtomicInteger evicted = new AtomicInteger();
        ConnectionResources first = rm.openInbound(ip("192.0.2.1"), true, () -> evicted.addAndGet(1));
        ConnectionResources second = rm.openInbound(ip("192.0.2.2"), true, () -> evicted.addAndGet(10));
        // Pending for less than EVICTABLE_AFTER: safe, so the newcomer is refused.
        clock.addAndGet(DefaultResourceManager.EVICTABLE_AFTER.toNanos() - 1);
        assertThatThrownBy(() -> rm.openInbound(ip("192.0.2.3"), true, () -> { }))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.scope()).isEqualTo("transient inbound connections"));
        assertThat(evicted).hasValue(0);
        clock.addAndGet(1);
        ConnectionResources third = rm.openInbound(ip("192.0.2.3"), true, () -> evicted.addAndGet(100));
        assertThat(evicted).hasValue(1);
        assertThat(rm.transientScope().connsInbound()).isEqualTo(2);
        // An authenticated connection is no longer pending, so it cannot be evicted.
        second.setPeer(ALICE);
        rm.openInbound(ip("192.0.2.4"), true, () -> evicted.addAndGet(1000));
        clock.addAndGet(DefaultResourceManager.EVICTABLE_AFTER.toNanos());
        rm.openInbound(ip("192.0.2.5"), true, () -> { });
        assertThat(evicted).hasValue(1 + 100);
        assertThat(rm.system().connsInbound()).isEqualTo(3);
        first.close();
        third.close();
        assertThat(rm.system().connsInbound()).isEqualTo(3);
    }

    @Test
    void allowlistedConnectionsPassTheSharedLimitsButNotTheirPeers() {
        ResourceLimits limits = open().withTransient(ScopeLimit.UNLIMITED.withConns(1, 1, 1))
                .withSystem(ScopeLimit.UNLIMITED.withConns(1, 1, 1))
                .withPeer(ScopeLimit.UNLIMITED.withConns(2, 2, 2))
                .withIpLimits(IpLimits.DEFAULTS.withConns(1, 1))
                .withAllowlist("/ip4/198.51.100.0/ipcidr/24");
        DefaultResourceManager rm = manager(limits);
        rm.openInbound(ip("192.0.2.1"), true, () -> { }).setPeer(ALICE);
        assertThatThrownBy(() -> rm.openInbound(ip("192.0.2.9"), true, () -> { }))
                .isInstanceOf(LimitExceededException.class);
        for (int i = 0; i < 3; i++) {
            rm.openInbound(ip("198.51.100.7"), true, () -> { });
        }
        assertThat(rm.system().connsInbound()).isEqualTo(4);
        ConnectionResources allowed = rm.openInbound(ip("198.51.100.7"), true, () -> { });
        allowed.setPeer(BOB);
        ConnectionResources alsoBob = rm.openInbound(ip("198.51.100.7"), true, () -> { });
        alsoBob.setPeer(BOB);
        ConnectionResources thirdBob = rm.openInbound(ip("198.51.100.7"), true, () -> { });
        assertThatThrownBy(() -> thirdBob.setPeer(BOB)).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void oneAddressHoldsAtMostItsConnectionLimit() {
        DefaultResourceManager rm =
                manager(open().withIpLimits(IpLimits.DEFAULTS.withConns(2, 2).withRate(1000, 1000)));
        ConnectionResources a = rm.openInbound(ip("192.0.2.1"), true, () -> { });
        rm.openInbound(ip("192.0.2.1"), true, () -> { });
        assertThatThrownBy(() -> rm.openInbound(ip("192.0.2.1"), true, () -> { }))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.scope()).isEqualTo("ip 192.0.2.1/32 connections");
                    assertThat(e.limit()).isEqualTo(2);
                });
        rm.openInbound(ip("192.0.2.2"), true, () -> { });
        a.close();
        rm.openInbound(ip("192.0.2.1"), true, () -> { });
        // An IPv6 /56 is one network.
        rm.openInbound(ip("2001:db8:0:100::1"), true, () -> { });
        rm.openInbound(ip("2001:db8:0:1ff::2"), true, () -> { });
        assertThatThrownBy(() -> rm.openInbound(ip("2001:db8:0:1aa::3"), true, () -> { }))
                .isInstanceOf(LimitExceededException.class);
        rm.openInbound(ip("2001:db8:0:200::1"), true, () -> { });
    }

    @Test
    void newConnectionsFromOneAddressAreRateLimited() {
        DefaultResourceManager rm = manager(open().withIpLimits(IpLimits.DEFAULTS.withRate(0.5, 3)));
        for (int i = 0; i < 3; i++) {
            rm.openInbound(ip("192.0.2.1"), true, () -> { }).close();
        }
        assertThatThrownBy(() -> rm.openInbound(ip("192.0.2.1"), true, () -> { }))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.scope()).startsWith("ip 192.0.2.1/32 new connections"));
        clock.addAndGet(Duration.ofMillis(1999).toNanos());
        assertThatThrownBy(() -> rm.openInbound(ip("192.0.2.1"), true, () -> { }))
                .isInstanceOf(LimitExceededException.class);
        clock.addAndGet(Duration.ofMillis(2).toNanos());
        rm.openInbound(ip("192.0.2.1"), true, () -> { });
    }

    @Test
    void loopbackIsExemptUnlessConfigured() {
        DefaultResourceManager exempt = manager(open().withIpLimits(IpLimits.DEFAULTS.withConns(1, 1)));
        exempt.openInbound(ip("127.0.0.1"), true, () -> { });
        exempt.openInbound(ip("127.0.0.1"), true, () -> { });
        DefaultResourceManager limited = manager(open()
                .withIpLimits(IpLimits.DEFAULTS.withConns(1, 1).withLimitLoopback(true)));
        limited.openInbound(ip("127.0.0.1"), true, () -> { });
        assertThatThrownBy(() -> limited.openInbound(ip("127.0.0.1"), true, () -> { }))
                .isInstanceOf(LimitExceededException.class);
    }

    @Test
    void theNetworkTableIsBoundedAndForgetsIdleNetworks() {
        DefaultResourceManager rm = manager(open().withIpLimits(IpLimits.DEFAULTS.withMaxTracked(4)));
        ConnectionResources[] held = new ConnectionResources[4];
        for (int i = 0; i < 4; i++) {
            held[i] = rm.openInbound(ip("192.0.2." + (i + 1)), true, () -> { });
        }
        assertThatThrownBy(() -> rm.openInbound(ip("192.0.2.99"), true, () -> { }))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.scope()).startsWith("ip table"));
        for (ConnectionResources c : held) {
            c.close();
        }
        // Closed, but each network's allowance of new connections is not full again yet: still remembered.
        clock.addAndGet(IpLimiter.SWEEP_INTERVAL_NANOS);
        assertThatThrownBy(() -> rm.openInbound(ip("192.0.2.99"), true, () -> { }))
                .isInstanceOf(LimitExceededException.class);
        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        rm.openInbound(ip("192.0.2.99"), true, () -> { });
        assertThat(rm.trackedNetworks()).isEqualTo(1);
    }

    @Test
    void streamMemoryIsLimitedPerConnectionPeerAndSystem() {
        DefaultResourceManager rm = manager(open().withConnection(ScopeLimit.UNLIMITED.withMemory(1000))
                .withPeer(ScopeLimit.UNLIMITED.withMemory(1500)).withSystem(ScopeLimit.UNLIMITED.withMemory(2000)));
        ConnectionResources a = rm.openOutbound(ALICE, true);
        ConnectionResources a2 = rm.openOutbound(ALICE, true);
        ConnectionResources b = rm.openOutbound(BOB, true);
        StreamResources s1 = a.openStream(Direction.OUTBOUND, 600);
        assertThatThrownBy(() -> a.openStream(Direction.OUTBOUND, 600))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.scope()).isEqualTo("connection memory"));
        assertThat(rm.peer(ALICE).streamsOutbound()).isEqualTo(1);
        StreamResources s2 = a2.openStream(Direction.OUTBOUND, 600);
        LimitExceededException peerFull = s2.reserveMemory(400);
        assertThat(peerFull.scope()).isEqualTo("peer " + ALICE + " memory");
        assertThat(peerFull.current()).isEqualTo(1200);
        StreamResources s3 = b.openStream(Direction.INBOUND, 800);
        assertThat(s3.reserveMemory(1)).isNotNull();
        assertThat(rm.system().memory()).isEqualTo(2000);
        s1.close();
        assertThat(s3.reserveMemory(1)).isNull();
        s2.close();
        s3.close();
        assertThat(rm.system().memory()).isZero();
    }

    @Test
    void aProtocolHoldsAtMostItsStreamLimit() {
        DefaultResourceManager rm = manager(open().withProtocol("/echo/1.0.0",
                ScopeLimit.UNLIMITED.withStreams(1, 1, 1)));
        ConnectionResources conn = rm.openOutbound(ALICE, false);
        StreamResources first = conn.openStream(Direction.INBOUND, 0);
        first.setProtocol("/echo/1.0.0");
        StreamResources second = conn.openStream(Direction.INBOUND, 0);
        assertThatThrownBy(() -> second.setProtocol("/echo/1.0.0"))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.scope()).isEqualTo("protocol /echo/1.0.0 inbound streams"));
        second.setProtocol("/other/1.0.0");
        assertThat(rm.protocols()).containsOnlyKeys("/echo/1.0.0", "/other/1.0.0");
        first.close();
        second.close();
        conn.close();
        assertThat(rm.system()).isEqualTo(ResourceUsage.ZERO);
    }

    @Test
    void aDisabledManagerCountsNothing() {
        DefaultResourceManager rm = DefaultResourceManager.disabled();
        assertThat(rm.enabled()).isFalse();
        ConnectionResources conn = rm.openInbound(ip("192.0.2.1"), true, () -> { });
        assertThat(conn).isSameAs(ConnectionResources.NONE);
        assertThat(conn.openStream(Direction.INBOUND, 1 << 30)).isSameAs(StreamResources.NONE);
        assertThat(rm.system()).isEqualTo(ResourceUsage.ZERO);
    }
}
