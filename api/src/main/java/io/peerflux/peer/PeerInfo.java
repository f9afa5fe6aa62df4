package io.peerflux.peer;

import io.peerflux.multiaddr.Multiaddr;
import java.util.List;
import java.util.Objects;

/**
 * A peer and the addresses it may be reached at (without {@code /p2p}), as routing answers carry them.
 *
 * @param addresses possibly empty: a peer known only by id
 */
public record PeerInfo(PeerId peerId, List<Multiaddr> addresses) {

    public PeerInfo {
        Objects.requireNonNull(peerId, "peerId");
        addresses = List.copyOf(addresses);
    }
}
