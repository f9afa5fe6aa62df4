package io.peerflux.benchmarks.sim.kad;

import io.peerflux.benchmarks.sim.SimNetwork;
import io.peerflux.benchmarks.sim.VirtualScheduler;
import io.peerflux.kad.IpGroups;
import io.peerflux.kad.KadNode;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated DHT nodes and what happens to them from outside the protocol: they are created, join through a few
 * bootstrap peers, identify each other when a connection opens (as the host's identify does), and leave. Each node's
 * {@link KadNode#tick} is scheduled at its {@link KadNode#nextWakeup()}, one pending timer per node, re-armed after
 * every input.
 */
final class DhtPopulation {

    /** Identify's size on the wire, roughly (only the bandwidth model uses it). */
    private static final int IDENTIFY_BYTES = 600;

    private final SimNetwork network;
    private final VirtualScheduler scheduler;
    private final KademliaConfig config;
    private final SplittableRandom random;
    private final int addressBookSize;
    private final List<KadPeer> peers = new ArrayList<>();
    private final Map<PeerId, KadPeer> byId = new HashMap<>();
    private long messages;

    DhtPopulation(SimNetwork network, KademliaConfig config, SplittableRandom random, int addressBookSize) {
        this.network = network;
        this.scheduler = network.scheduler();
        this.config = config;
        this.random = random;
        this.addressBookSize = addressBookSize;
        network.listen(this::opened);
    }

    SimNetwork network() {
        return network;
    }

    /** Creates a node with a fresh peer id and a public IPv4 address in a /24 of its own; it has not joined yet. */
    KadPeer create() {
        int index = network.join();
        byte[] multihash = new byte[34];
        multihash[0] = 0x12;
        multihash[1] = 0x20;
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        System.arraycopy(digest, 0, multihash, 2, 32);
        PeerId id = PeerId.fromBytes(multihash);
        List<Multiaddr> addresses = List.of(Multiaddr.of(String.format("/ip4/%d.%d.%d.1/tcp/4001",
                11 + (index >> 16), (index >> 8) & 0xff, index & 0xff)));
        AddressBook book = new AddressBook(addressBookSize);
        SimKadNetwork binding = new SimKadNetwork(this, index, new io.peerflux.peer.PeerInfo(id, addresses), book,
                config.learnedAddressTtl().toNanos());
        KadNode node = new KadNode(id, config, binding, random.split(), scheduler.now());
        KadPeer peer = new KadPeer(index, id, addresses, IpGroups.groupOf(addresses), book, binding, node);
        peers.add(peer);
        byId.put(id, peer);
        return peer;
    }

    /** Connects {@code peer} to {@code bootstrap}; once each identified itself, {@code peer} starts its self lookup. */
    void join(KadPeer peer, List<KadPeer> bootstrap) {
        if (bootstrap.isEmpty()) {
            peer.bootstrapped = true;
            touched(peer);
            return;
        }
        for (KadPeer b : bootstrap) {
            peer.awaitingBootstrap.add(b.index);
            network.connect(peer.index, b.index);
        }
    }

    /** The node goes away without notice. */
    void leave(KadPeer peer) {
        network.leave(peer.index);
        if (peer.timer != null) {
            peer.timer.cancel();
            peer.timer = null;
        }
    }

    KadPeer peer(int index) {
        return peers.get(index);
    }

    /** The node with this id, or {@code null}. */
    KadPeer peer(PeerId id) {
        return byId.get(id);
    }

    List<KadPeer> all() {
        return peers;
    }

    List<KadPeer> live() {
        List<KadPeer> out = new ArrayList<>(peers.size());
        for (KadPeer p : peers) {
            if (network.alive(p.index)) {
                out.add(p);
            }
        }
        return out;
    }

    /** DHT messages sent so far (requests and one-way messages; answers not counted). */
    long messages() {
        return messages;
    }

    void countMessage() {
        messages++;
    }

    /**
     * Re-arms {@code peer}'s timer after an input: one pending tick, at the node's next wakeup. A node whose wakeup
     * does not move past a tick fails the run rather than spinning at one instant.
     */
    void touched(KadPeer peer) {
        if (!network.alive(peer.index)) {
            return;
        }
        long at = peer.node.nextWakeup();
        if (peer.timer != null) {
            if (peer.timer.at() <= at) {
                return;
            }
            peer.timer.cancel();
        }
        peer.timer = scheduler.at(at, () -> {
            peer.timer = null;
            long now = scheduler.now();
            peer.node.tick(now);
            if (peer.node.nextWakeup() <= now) {
                throw new IllegalStateException("node " + peer.index + " wants to wake again at the instant it "
                        + "just handled: its timer would spin");
            }
            touched(peer);
        });
    }

    /**
     * A connection opened: each end receives the other's identify half a round trip later, which tells the DHT node
     * that the peer serves the DHT.
     */
    private void opened(int dialer, int listener) {
        KadPeer a = peers.get(dialer);
        KadPeer b = peers.get(listener);
        network.send(listener, dialer, IDENTIFY_BYTES, () -> identified(a, b));
        network.send(dialer, listener, IDENTIFY_BYTES, () -> identified(b, a));
    }

    private void identified(KadPeer at, KadPeer of) {
        long now = scheduler.now();
        at.node.peerIdentified(of.id, true, of.ipGroup, now);
        if (at.awaitingBootstrap.remove(of.index) && at.awaitingBootstrap.isEmpty() && !at.bootstrapped) {
            at.bootstrapped = true;
            at.node.bootstrap(now);
        }
        touched(at);
    }
}
