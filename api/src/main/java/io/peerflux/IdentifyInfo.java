package io.peerflux;

import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import java.util.List;

/**
 * What a peer says about itself over identify ({@code /ipfs/id/1.0.0}).
 *
 * @param publicKey the key the peer announced (checked against the connection's authenticated peer)
 * @param observedAddress how the peer sees our address, or {@code null}
 */
public record IdentifyInfo(
        PublicKey publicKey,
        String protocolVersion,
        String agentVersion,
        List<Multiaddr> listenAddresses,
        Multiaddr observedAddress,
        List<String> protocols) {

    public IdentifyInfo {
        listenAddresses = List.copyOf(listenAddresses);
        protocols = List.copyOf(protocols);
    }
}
