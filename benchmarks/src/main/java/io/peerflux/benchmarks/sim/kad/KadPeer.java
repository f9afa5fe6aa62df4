package io.peerflux.benchmarks.sim.kad;

import io.peerflux.benchmarks.sim.VirtualScheduler;
import io.peerflux.kad.KadId;
import io.peerflux.kad.KadNode;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One simulated DHT node: its identity and address, its {@link KadNode}, and the simulator's state around it. */
final class KadPeer {

    final int index;
    final PeerId id;
    final KadId kadId;
    final PeerInfo info;
    final String ipGroup;
    final AddressBook addressBook;
    final SimKadNetwork network;
    final KadNode node;
    /** The bootstrap peers whose identify has not arrived yet; the self lookup starts once none is left. */
    final Set<Integer> awaitingBootstrap = new HashSet<>();
    /** The one pending call of {@link KadNode#tick}, or {@code null}. */
    VirtualScheduler.Event timer;
    boolean bootstrapped;

    KadPeer(int index, PeerId id, List<Multiaddr> addresses, String ipGroup, AddressBook addressBook,
            SimKadNetwork network, KadNode node) {
        this.index = index;
        this.id = id;
        this.kadId = KadId.of(id.bytes());
        this.info = new PeerInfo(id, addresses);
        this.ipGroup = ipGroup;
        this.addressBook = addressBook;
        this.network = network;
        this.node = node;
    }
}
