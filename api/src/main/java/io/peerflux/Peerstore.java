package io.peerflux;

import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What the host knows about other peers: addresses, keys, protocols, agent. Thread-safe. */
public interface Peerstore {

    void addAddresses(PeerId peer, Collection<Multiaddr> addresses);

    List<Multiaddr> addresses(PeerId peer);

    void putPublicKey(PeerId peer, PublicKey key);

    Optional<PublicKey> publicKey(PeerId peer);

    void setProtocols(PeerId peer, Collection<String> protocols);

    Set<String> protocols(PeerId peer);

    void setAgentVersion(PeerId peer, String agentVersion);

    Optional<String> agentVersion(PeerId peer);

    Set<PeerId> peers();
}
