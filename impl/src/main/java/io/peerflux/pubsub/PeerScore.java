package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;

/**
 * Where gossipsub v1.1's peer score ("Peer Scoring") plugs into the router. The router asks {@link #score} when it
 * chooses mesh, gossip and publish peers and compares it with the thresholds in {@link GossipsubConfig}; it reports
 * the events the score's parameters P₁–P₇ count through the other methods. Called on the router's thread only.
 * {@link #NONE} scores every peer 0, which passes every default threshold: the router then behaves as gossipsub
 * without scoring.
 */
public interface PeerScore {

    PeerScore NONE = peer -> 0;

    double score(PeerId peer);

    /** {@code peer} joined our mesh of {@code topic} at {@code now} (P₁, P₃). */
    default void graft(PeerId peer, String topic, long now) {}

    /** {@code peer} left our mesh of {@code topic} at {@code now} (P₃b). */
    default void prune(PeerId peer, String topic, long now) {}

    /** {@code peer} was the first to bring us a valid message of {@code topic} (P₂, P₃). */
    default void firstDelivery(PeerId peer, String topic, long now) {}

    /** {@code peer} brought us a message we had already seen (P₃ in its window). */
    default void duplicateDelivery(PeerId peer, String topic, long now) {}

    /** {@code peer} brought us an invalid message of {@code topic} (P₄). */
    default void invalidMessage(PeerId peer, String topic, Rejection reason, long now) {}

    /** {@code peer} misbehaved {@code count} times: broken IWANT promises, GRAFT in backoff (P₇). */
    default void behaviourPenalty(PeerId peer, int count) {}
}
