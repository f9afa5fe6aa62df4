package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.net.InetAddress;
import java.util.Set;

/**
 * Where gossipsub v1.1's peer score ("Peer Scoring") plugs into the router. The router asks {@link #score} when it
 * chooses mesh, gossip and publish peers and compares it with the thresholds in {@link GossipsubConfig}; it reports
 * the events the score's parameters P₁–P₇ count through the other methods. Called on the router's thread only.
 * {@link #NONE} scores every peer 0, which passes every default threshold: the router then behaves as gossipsub
 * without scoring. {@link PeerScoring} implements the spec's score.
 */
public interface PeerScore {

    PeerScore NONE = peer -> 0;

    double score(PeerId peer);

    /** The router accepted {@code peer}; a retained score of it counts again. */
    default void connected(PeerId peer) {}

    /** {@code peer} is gone at {@code now}; its score may be retained ({@code RetainScore}). */
    default void disconnected(PeerId peer, long now) {}

    /**
     * The IP addresses {@code peer} is connected from (P₆), replacing earlier ones. Called by the binding, not the
     * router, on the router's thread, after the router accepted the peer.
     */
    default void addresses(PeerId peer, Set<InetAddress> addresses) {}

    /** Called every heartbeat: updates time in mesh (P₁, P₃'s activation) and decays counters every interval. */
    default void refresh(long now) {}

    /** {@code peer} joined our mesh of {@code topic} at {@code now} (P₁, P₃). */
    default void graft(PeerId peer, String topic, long now) {}

    /** {@code peer} left our mesh of {@code topic} at {@code now} (P₃b). */
    default void prune(PeerId peer, String topic, long now) {}

    /** {@code peer} was the first to bring us {@code id}, a valid message of {@code topic} (P₂, P₃). */
    default void firstDelivery(PeerId peer, MessageId id, String topic, long now) {}

    /** {@code peer} brought us {@code id}, which we had already seen (P₃, within its window of the first copy). */
    default void duplicateDelivery(PeerId peer, MessageId id, String topic, long now) {}

    /** {@code peer} brought us an invalid message of {@code topic} (P₄). */
    default void invalidMessage(PeerId peer, String topic, Rejection reason, long now) {}

    /** {@code peer} misbehaved {@code count} times: broken IWANT promises, GRAFT in backoff (P₇). */
    default void behaviourPenalty(PeerId peer, int count) {}
}
