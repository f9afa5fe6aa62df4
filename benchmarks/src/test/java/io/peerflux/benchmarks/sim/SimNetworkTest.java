package io.peerflux.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimNetworkTest {

    private final VirtualScheduler scheduler = new VirtualScheduler(0);
    private final List<String> opened = new ArrayList<>();

    private SimNetwork network(NetworkParameters parameters, int nodes) {
        SimNetwork network = new SimNetwork(scheduler, new Topology(new SplittableRandom(1)), parameters,
                new SplittableRandom(2));
        network.listen((dialer, listener) -> opened.add(dialer + "->" + listener));
        for (int i = 0; i < nodes; i++) {
            network.join();
        }
        return network;
    }

    @Test
    void firstMessageWaitsForTheConnectionThenTakesHalfARoundTrip() {
        SimNetwork network = network(NetworkParameters.defaults().withConnectRtts(2), 2);
        long rtt = network.topology().rttNanos(0, 1);
        List<Long> arrivals = new ArrayList<>();

        network.send(0, 1, 100, () -> arrivals.add(scheduler.now()));
        network.send(0, 1, 100, () -> arrivals.add(scheduler.now()));
        scheduler.runUntil(10 * rtt);
        network.send(1, 0, 100, () -> arrivals.add(scheduler.now() - 10 * rtt));
        scheduler.runUntil(20 * rtt);

        assertThat(arrivals).containsExactly(2 * rtt + rtt / 2, 2 * rtt + rtt / 2, rtt / 2);
        assertThat(opened).containsExactly("0->1");
        assertThat(network.dials()).isEqualTo(1);
    }

    @Test
    void lostMessagesArriveAfterRetransmissionTimeouts() {
        SimNetwork network = network(NetworkParameters.defaults().withConnectRtts(0).withLossRate(0.5), 2);
        long rtt = network.topology().rttNanos(0, 1);
        long rto = Math.max(NetworkParameters.MIN_RETRANSMISSION_NANOS, 2 * rtt);
        List<Long> delays = new ArrayList<>();
        scheduler.runUntil(0);
        network.connect(0, 1);
        scheduler.runUntil(1);
        for (int i = 0; i < 1000; i++) {
            long sent = scheduler.now();
            network.send(0, 1, 10, () -> delays.add(scheduler.now() - sent));
            scheduler.runUntil(sent + 1_000 * rto);
        }

        assertThat(delays).hasSize(1000).allMatch(d -> (d - rtt / 2) % rto == 0);
        long lost = delays.stream().filter(d -> d > rtt / 2).count();
        assertThat(lost).isBetween(400L, 600L);
        assertThat(network.losses()).isBetween(800L, 1200L);
    }

    @Test
    void nodesThatLeftReceiveNothingAndDialsToThemNeverOpen() {
        SimNetwork network = network(NetworkParameters.defaults(), 3);
        List<String> delivered = new ArrayList<>();
        network.send(0, 1, 10, () -> delivered.add("before"));
        scheduler.runUntil(1_000_000_000L);
        network.leave(1);
        network.send(0, 1, 10, () -> delivered.add("connected"));
        network.send(0, 2, 10, () -> delivered.add("to 2"));
        network.send(2, 1, 10, () -> delivered.add("dial"));
        scheduler.runUntil(10_000_000_000L);

        assertThat(delivered).containsExactly("before", "to 2");
        assertThat(opened).containsExactly("0->1", "0->2");
    }

    @Test
    void aFullConnectionCacheClosesItsLeastRecentlyUsedConnectionAtBothEnds() {
        SimNetwork network = network(new NetworkParameters(0, 1, 2, 0), 4);
        network.connect(0, 1);
        network.connect(0, 2);
        scheduler.runUntil(1_000_000_000L);
        network.send(0, 1, 10, () -> { });
        network.connect(0, 3);
        scheduler.runUntil(2_000_000_000L);

        assertThat(network.connected(0, 1)).isTrue();
        assertThat(network.connected(0, 2)).isFalse();
        assertThat(network.connected(2, 0)).isFalse();
        assertThat(network.connected(3, 0)).isTrue();
    }
}
