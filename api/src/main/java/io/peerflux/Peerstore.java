package io.peerflux;

import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.record.PeerRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the host knows about other peers: addresses, keys, protocols, agent. Thread-safe, and bounded: per peer, in time
 * (what was learned from a connection is forgotten a while after it closed) and in the number of peers (peers the
 * {@link ConnectionManager} tags or protects are kept).
 */
public interface Peerstore {

    /**
     * How long addresses learned from a connection (its remote address, identify's listen addresses) are kept after
     * the peer's last connection closed; while it is connected they do not expire.
     */
    Duration CONNECTED_ADDRESS_TTL = Duration.ofMinutes(15);

    /** Adds addresses that are kept for as long as the peer is known. */
    void addAddresses(PeerId peer, Collection<Multiaddr> addresses);

    /**
     * Adds addresses that are forgotten after {@code ttl} (addresses learned second-hand, as the DHT learns them), or
     * extends the life of ones already known. An address added without a time to live keeps it. A peer known only
     * through such addresses is forgotten with the last of them.
     */
    void addAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl);

    List<Multiaddr> addresses(PeerId peer);

    void putPublicKey(PeerId peer, PublicKey key);

    Optional<PublicKey> publicKey(PeerId peer);

    void setProtocols(PeerId peer, Collection<String> protocols);

    Set<String> protocols(PeerId peer);

    void setAgentVersion(PeerId peer, String agentVersion);

    Optional<String> agentVersion(PeerId peer);

    /**
     * Keeps {@code record} as its peer's certified record (RFC 0003: what the peer itself signed) unless the one kept
     * is as new or newer. A record is forgotten with the peer's protocols and agent version.
     *
     * @return whether {@code record} was kept
     */
    boolean putCertifiedRecord(PeerRecord record);

    /** The newest signed peer record {@code peer} sent, if any is kept. */
    Optional<PeerRecord> certifiedRecord(PeerId peer);

    Set<PeerId> peers();
}
