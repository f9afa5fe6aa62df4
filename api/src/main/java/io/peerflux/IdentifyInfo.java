package io.peerflux;

import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.record.PeerRecord;
import java.util.List;

/**
 * What a peer says about itself over identify ({@code /ipfs/id/1.0.0}).
 *
 * @param publicKey the key the peer announced (checked against the connection's authenticated peer)
 * @param observedAddress how the peer sees our address, or {@code null}
 * @param signedPeerRecord the peer's signed record of its addresses, verified to be its own; {@code null} if it sent
 *     none or one that did not verify
 */
public record IdentifyInfo(
        PublicKey publicKey,
        String protocolVersion,
        String agentVersion,
        List<Multiaddr> listenAddresses,
        Multiaddr observedAddress,
        List<String> protocols,
        PeerRecord signedPeerRecord) {

    public IdentifyInfo {
        listenAddresses = List.copyOf(listenAddresses);
        protocols = List.copyOf(protocols);
    }
}
