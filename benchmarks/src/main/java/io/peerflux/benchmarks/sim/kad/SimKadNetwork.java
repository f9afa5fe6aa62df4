package io.peerflux.benchmarks.sim.kad;

import io.peerflux.benchmarks.sim.SimNetwork;
import io.peerflux.kad.KadMessage;
import io.peerflux.kad.KadNode;
import io.peerflux.kad.KadRequestException;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One node's {@link KadNode.Network} on the simulated network, doing what the host binding ({@code Kademlia}) does
 * with streams: a request travels to its peer, which {@linkplain KadNode#handle handles} it on arrival, and the answer
 * travels back to {@link KadNode#responded}; a refused request comes back as {@link KadNode#requestFailed}; a message
 * without answer counts as written once it arrived. Requests to a peer that is gone are never answered: the node's
 * own timeouts find out. Messages are passed as objects, with no encoding.
 */
final class SimKadNetwork implements KadNode.Network {

    /** What a message costs on the wire beyond its peers and record, roughly: framing, type, key length. */
    private static final int MESSAGE_OVERHEAD_BYTES = 16;
    /** What one peer in a message costs, roughly: a 34-byte id and an address. */
    private static final int PEER_BYTES = 50;

    private final DhtPopulation population;
    private final SimNetwork network;
    private final int index;
    private final PeerInfo self;
    private final AddressBook addressBook;
    private final long learnedTtl;
    private final Set<Long> inFlight = new HashSet<>();

    SimKadNetwork(DhtPopulation population, int index, PeerInfo self, AddressBook addressBook, long learnedTtl) {
        this.population = population;
        this.network = population.network();
        this.index = index;
        this.self = self;
        this.addressBook = addressBook;
        this.learnedTtl = learnedTtl;
    }

    @Override
    public void send(long requestId, PeerInfo peer, KadMessage request, boolean expectsResponse) {
        long now = now();
        KadPeer target = population.peer(peer.peerId());
        if (target != null && !peer.addresses().isEmpty()) {
            addressBook.add(target.index, now + learnedTtl, now);
        }
        inFlight.add(requestId);
        population.countMessage();
        if (target == null || addresses(peer.peerId()).isEmpty()) {
            network.scheduler().after(0, () -> failed(requestId, "no addresses to dial"));
            return;
        }
        network.send(index, target.index, size(request), () -> arrived(requestId, target, request, expectsResponse));
    }

    private void arrived(long requestId, KadPeer target, KadMessage request, boolean expectsResponse) {
        if (!inFlight.contains(requestId)) {
            return;
        }
        KadMessage answer;
        try {
            answer = target.node.handle(self.peerId(), request, now());
        } catch (KadRequestException e) {
            population.touched(target);
            network.send(target.index, index, MESSAGE_OVERHEAD_BYTES, () -> failed(requestId, e.getMessage()));
            return;
        }
        population.touched(target);
        if (!expectsResponse) {
            answered(requestId, null);
            return;
        }
        network.send(target.index, index, size(answer), () -> answered(requestId, answer));
    }

    private void answered(long requestId, KadMessage answer) {
        if (inFlight.remove(requestId)) {
            KadPeer me = population.peer(index);
            me.node.responded(requestId, answer, now());
            population.touched(me);
        }
    }

    private void failed(long requestId, String reason) {
        if (inFlight.remove(requestId)) {
            KadPeer me = population.peer(index);
            me.node.requestFailed(requestId, reason, now());
            population.touched(me);
        }
    }

    @Override
    public void cancel(long requestId) {
        inFlight.remove(requestId);
    }

    /** Our own, those learned and not expired, or those of a peer we hold a connection to (its remote address). */
    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        if (peer.equals(self.peerId())) {
            return self.addresses();
        }
        KadPeer known = population.peer(peer);
        if (known != null && (addressBook.knows(known.index, now()) || network.connected(index, known.index))) {
            return known.info.addresses();
        }
        return List.of();
    }

    @Override
    public void learned(PeerInfo peer, long ttlNanos) {
        KadPeer known = population.peer(peer.peerId());
        if (known != null && !peer.addresses().isEmpty()) {
            long now = now();
            addressBook.add(known.index, now + ttlNanos, now);
        }
    }

    private long now() {
        return network.scheduler().now();
    }

    /** A message's size on the wire, roughly: only the bandwidth model uses it. */
    static int size(KadMessage m) {
        int record = m.record() == null ? 0 : m.record().key().length + m.record().value().length;
        return MESSAGE_OVERHEAD_BYTES + m.key().length + record
                + PEER_BYTES * (m.closerPeers().size() + m.providerPeers().size());
    }
}
