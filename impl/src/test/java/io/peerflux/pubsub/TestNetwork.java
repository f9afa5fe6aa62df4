package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Routers wired to each other directly, no sockets: every RPC a router sends is encoded, decoded and handed to its
 * peer in the order sent, so the codec is on the path too. Time moves only in {@link #heartbeat}.
 */
final class TestNetwork {

    final List<GossipsubRouter> routers = new ArrayList<>();
    final Map<PeerId, GossipsubRouter> byId = new HashMap<>();
    /** Messages each router delivered locally, by its id. */
    final Map<PeerId, List<GossipsubRouter.Delivery>> delivered = new HashMap<>();
    final List<GossipsubRouter.Event> events = new ArrayList<>();
    private final Map<PeerId, PubsubProtocol> protocols = new HashMap<>();
    private final ArrayDeque<Object[]> inFlight = new ArrayDeque<>();
    private final GossipsubConfig config;
    long now = PubsubFixtures.T0;

    TestNetwork(GossipsubConfig config) {
        this.config = config;
    }

    GossipsubRouter add(int keySeed, PubsubProtocol protocol, long randomSeed) {
        GossipsubRouter router = new GossipsubRouter(PubsubFixtures.key(keySeed), config, PeerScore.NONE,
                new SplittableRandom(randomSeed), now);
        routers.add(router);
        byId.put(router.self(), router);
        delivered.put(router.self(), new ArrayList<>());
        protocols.put(router.self(), protocol);
        return router;
    }

    /** Connects two routers; they speak the older of their protocols, as multistream-select would choose. */
    void connect(GossipsubRouter dialer, GossipsubRouter listener) {
        PubsubProtocol a = protocols.get(dialer.self());
        PubsubProtocol b = protocols.get(listener.self());
        PubsubProtocol common = a.ordinal() > b.ordinal() ? a : b;
        dialer.addPeer(listener.self(), common, true);
        listener.addPeer(dialer.self(), common, false);
        collect(dialer);
        collect(listener);
        run();
    }

    void collect(GossipsubRouter router) {
        GossipsubRouter.Output out = router.drain();
        for (GossipsubRouter.Send send : out.sends()) {
            inFlight.add(new Object[] {router.self(), send.peer(), PubsubCodec.encode(send.rpc())});
        }
        delivered.get(router.self()).addAll(out.deliveries());
        events.addAll(out.events());
    }

    /** Delivers RPCs until none is in flight. */
    void run() {
        while (!inFlight.isEmpty()) {
            Object[] rpc = inFlight.poll();
            byte[] bytes = (byte[]) rpc[2];
            if (bytes.length > config.maxRpcSize()) {
                throw new AssertionError("RPC of " + bytes.length + " bytes sent");
            }
            GossipsubRouter to = byId.get((PeerId) rpc[1]);
            to.handleRpc((PeerId) rpc[0], PubsubCodec.decode(bytes, config.codecLimits(), "test"), now);
            collect(to);
        }
    }

    void heartbeat() {
        now += config.heartbeatInterval().toNanos();
        for (GossipsubRouter router : routers) {
            router.heartbeat(now);
            collect(router);
        }
        run();
    }

    void heartbeats(int n) {
        for (int i = 0; i < n; i++) {
            heartbeat();
        }
    }

    void subscribe(GossipsubRouter router, String topic) {
        router.subscribe(topic, now);
        collect(router);
        run();
    }

    MessageId publish(GossipsubRouter router, String topic, byte[] data) {
        MessageId id = router.publish(topic, data, now);
        collect(router);
        run();
        return id;
    }

    long deliveriesOf(GossipsubRouter router, MessageId id) {
        return delivered.get(router.self()).stream().filter(d -> d.id().equals(id)).count();
    }
}
