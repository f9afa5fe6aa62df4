package io.peerflux.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many routers wired directly: every subscriber gets every message exactly once, whatever the topology and the mix
 * of gossipsub and floodsub nodes, and gossipsub meshes settle within D_lo..D_hi.
 */
class GossipsubNetworkTest {

    enum Topology { LINE, RING, RANDOM }

    /**
     * @param floodsubEvery every n-th node speaks only floodsub (0: none)
     */
    @ParameterizedTest(name = "{0} of {1}, floodsub every {2}, flood publish {3}")
    @CsvSource({
        "LINE, 12, 0, true", "LINE, 12, 3, false", "RING, 16, 0, false", "RING, 16, 4, true",
        "RANDOM, 60, 0, true", "RANDOM, 60, 0, false", "RANDOM, 60, 5, false"})
    void everySubscriberGetsEachMessageOnce(Topology topology, int n, int floodsubEvery, boolean floodPublish) {
        TestNetwork net = new TestNetwork(GossipsubConfig.defaults().withFloodPublish(floodPublish));
        List<GossipsubRouter> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean floodsub = floodsubEvery > 0 && i % floodsubEvery == floodsubEvery - 1;
            nodes.add(net.add(i + 1, floodsub ? PubsubProtocol.FLOODSUB : PubsubProtocol.GOSSIPSUB_V12, i));
        }
        SplittableRandom random = new SplittableRandom(42);
        switch (topology) {
            case LINE, RING -> {
                for (int i = 0; i + 1 < n; i++) {
                    net.connect(nodes.get(i), nodes.get(i + 1));
                }
                if (topology == Topology.RING) {
                    net.connect(nodes.get(n - 1), nodes.get(0));
                }
            }
            case RANDOM -> {
                // A line keeps it connected; 8 more links per node make it dense enough for full meshes.
                for (int i = 0; i + 1 < n; i++) {
                    net.connect(nodes.get(i), nodes.get(i + 1));
                }
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < 8; k++) {
                        int j = random.nextInt(n);
                        if (j != i) {
                            net.connect(nodes.get(i), nodes.get(j));
                        }
                    }
                }
            }
        }
        for (GossipsubRouter node : nodes) {
            net.subscribe(node, "news");
        }
        net.heartbeats(5);

        List<MessageId> ids = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            GossipsubRouter publisher = nodes.get(random.nextInt(n));
            ids.add(net.publish(publisher, "news", ("message " + k).getBytes()));
            net.heartbeat();
        }
        net.heartbeats(3);

        for (MessageId id : ids) {
            int publisher = -1;
            for (int i = 0; i < n; i++) {
                long count = net.deliveriesOf(nodes.get(i), id);
                if (count == 0) {
                    publisher = publisher == -1 ? i : -2;
                } else {
                    assertThat(count).as("deliveries of %s at node %d", id, i).isEqualTo(1);
                }
            }
            assertThat(publisher).as("only the publisher lacks message %s", id).isGreaterThanOrEqualTo(0);
        }
        assertThat(net.events).isEmpty();
        if (topology == Topology.RANDOM) {
            for (int i = 0; i < n; i++) {
                if (floodsubEvery == 0 || i % floodsubEvery != floodsubEvery - 1) {
                    assertThat(nodes.get(i).meshPeers("news").size()).as("mesh of node %d", i).isBetween(5, 12);
                }
            }
        }
    }
}
