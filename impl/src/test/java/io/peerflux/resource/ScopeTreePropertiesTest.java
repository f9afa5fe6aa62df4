package io.peerflux.resource;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Reservations never pass a limit, whatever the order of operations and however threads interleave them, and giving
 * everything back leaves every scope at zero.
 */
class ScopeTreePropertiesTest {

    static final PeerId[] PEERS = new PeerId[4];

    static {
        for (int i = 0; i < PEERS.length; i++) {
            PEERS[i] = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        }
    }

    static ResourceLimits small(Random random) {
        return ResourceLimits.unlimited()
                .withSystem(new ScopeLimit(1 + random.nextInt(8), 1 + random.nextInt(8), 1 + random.nextInt(12),
                        1 + random.nextInt(16), 1 + random.nextInt(16), 1 + random.nextInt(24),
                        1 + random.nextInt(5000), 1 + random.nextInt(12)))
                .withTransient(ScopeLimit.UNLIMITED.withConns(1 + random.nextInt(4), 8, 8)
                        .withStreams(1 + random.nextInt(6), 1 + random.nextInt(6), 1 + random.nextInt(8)))
                .withPeer(ScopeLimit.UNLIMITED.withConns(1 + random.nextInt(3), 1 + random.nextInt(3), 4)
                        .withStreams(1 + random.nextInt(8), 1 + random.nextInt(8), 1 + random.nextInt(10))
                        .withMemory(1 + random.nextInt(3000)))
                .withConnection(ScopeLimit.UNLIMITED.withMemory(1 + random.nextInt(2000)))
                .withProtocolDefault(ScopeLimit.UNLIMITED.withStreams(1 + random.nextInt(4), 1 + random.nextInt(4),
                        1 + random.nextInt(6)))
                .withIpLimits(IpLimits.DEFAULTS.withConns(1 + random.nextInt(4), 2).withRate(1e9, 1 << 20));
    }

    /** Every scope's usage is within its limits. */
    static void assertWithinLimits(DefaultResourceManager rm) {
        ResourceLimits limits = rm.limits();
        assertWithin(rm.system(), limits.system());
        assertWithin(rm.transientScope(), limits.transientScope());
        rm.peers().values().forEach(usage -> assertWithin(usage, limits.peer()));
        rm.protocols().values().forEach(usage -> assertWithin(usage, limits.protocolDefault()));
    }

    static void assertWithin(ResourceUsage usage, ScopeLimit limit) {
        assertThat(usage.connsInbound()).isBetween(0L, (long) limit.connsInbound());
        assertThat(usage.connsOutbound()).isBetween(0L, (long) limit.connsOutbound());
        assertThat(usage.conns()).isLessThanOrEqualTo(limit.conns());
        assertThat(usage.streamsInbound()).isBetween(0L, (long) limit.streamsInbound());
        assertThat(usage.streamsOutbound()).isBetween(0L, (long) limit.streamsOutbound());
        assertThat(usage.streams()).isLessThanOrEqualTo(limit.streams());
        assertThat(usage.memory()).isBetween(0L, limit.memory());
        assertThat(usage.fds()).isBetween(0L, (long) limit.fds());
    }

    /** Applies random operations to the shared lists of live connections and streams. */
    static final class Driver {
        final DefaultResourceManager rm;
        final Random random;
        final List<ConnectionResources> conns = new ArrayList<>();
        final List<StreamResources> streams = new ArrayList<>();

        Driver(DefaultResourceManager rm, Random random) {
            this.rm = rm;
            this.random = random;
        }

        void step() throws Exception {
            try {
                switch (random.nextInt(9)) {
                    case 0 -> conns.add(rm.openInbound(InetAddress.getByAddress(
                            new byte[] {(byte) 192, 0, 2, (byte) random.nextInt(3)}), random.nextBoolean(), () -> { }));
                    case 1 -> conns.add(rm.openOutbound(PEERS[random.nextInt(PEERS.length)], random.nextBoolean()));
                    case 2 -> pick(conns).setPeer(PEERS[random.nextInt(PEERS.length)]);
                    case 3 -> streams.add(pick(conns).openStream(
                            random.nextBoolean() ? Direction.INBOUND : Direction.OUTBOUND, random.nextInt(600)));
                    case 4 -> pick(streams).setProtocol("/p/" + random.nextInt(3));
                    case 5 -> pick(streams).reserveMemory(random.nextInt(800));
                    case 6 -> pick(streams).releaseMemory(random.nextInt(800));
                    case 7 -> take(streams).close();
                    default -> take(conns).close();
                }
            } catch (LimitExceededException | IllegalArgumentException | IndexOutOfBoundsException e) {
                // refused, or nothing to act on (an empty list)
            }
        }

        <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }

        <T> T take(List<T> list) {
            return list.remove(random.nextInt(list.size()));
        }

        void closeAll() {
            streams.forEach(StreamResources::close);
            conns.forEach(ConnectionResources::close);
        }
    }

    @Property(tries = 300)
    void limitsHoldAndEverythingComesBack(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int steps)
            throws Exception {
        long underflows = Scope.UNDERFLOWS.get();
        Random random = new Random(seed);
        DefaultResourceManager rm = DefaultResourceManager.create(small(random), () -> 0);
        Driver driver = new Driver(rm, random);
        for (int i = 0; i < steps; i++) {
            driver.step();
            assertWithinLimits(rm);
        }
        driver.closeAll();
        assertThat(rm.system()).isEqualTo(ResourceUsage.ZERO);
        assertThat(rm.transientScope()).isEqualTo(ResourceUsage.ZERO);
        assertThat(rm.peers()).isEmpty();
        assertThat(rm.protocols()).isEmpty();
        assertThat(Scope.UNDERFLOWS.get()).isEqualTo(underflows);
    }

    @Test
    void limitsHoldUnderConcurrentUse() throws Exception {
        long underflows = Scope.UNDERFLOWS.get();
        DefaultResourceManager rm = DefaultResourceManager.create(small(new Random(7)), () -> 0);
        int threads = 4;
        CountDownLatch done = new CountDownLatch(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean(true);
        for (int t = 0; t < threads; t++) {
            Random random = new Random(t);
            new Thread(() -> {
                Driver driver = new Driver(rm, random);
                try {
                    for (int i = 0; i < 20_000; i++) {
                        driver.step();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    driver.closeAll();
                    done.countDown();
                }
            }, "scope-tree-" + t).start();
        }
        Thread checker = new Thread(() -> {
            while (running.get()) {
                try {
                    assertWithinLimits(rm);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }
        }, "scope-tree-checker");
        checker.start();
        done.await();
        running.set(false);
        checker.join();
        assertThat(failure.get()).isNull();
        assertThat(rm.system()).isEqualTo(ResourceUsage.ZERO);
        assertThat(rm.transientScope()).isEqualTo(ResourceUsage.ZERO);
        assertThat(rm.peers()).isEmpty();
        assertThat(rm.protocols()).isEmpty();
        assertThat(Scope.UNDERFLOWS.get()).isEqualTo(underflows);
    }
}
