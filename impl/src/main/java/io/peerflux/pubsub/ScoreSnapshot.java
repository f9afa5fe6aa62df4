package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.util.Map;

/**
 * One peer's score and where it comes from (gossipsub v1.1 "The Score Function"), as {@link PeerScoring#snapshot}
 * computed it. The P values are before weighting; {@link #total} is their weighted sum.
 *
 * @param total the score the router compares with its thresholds
 * @param connected false for a disconnected peer whose score is retained
 * @param topics the scored topics the peer has counters in
 * @param topicsTotal the topics' weighted sum after {@code TopicScoreCap}
 * @param appSpecific P₅, the application's score
 * @param ipColocation P₆, the square of the surplus of peers sharing an IP with this one
 * @param behaviourPenalty P₇, the square of the penalties past the threshold
 */
public record ScoreSnapshot(PeerId peer, double total, boolean connected, Map<String, TopicScore> topics,
                            double topicsTotal, double appSpecific, double ipColocation, double behaviourPenalty) {

    /**
     * One topic's part.
     *
     * @param score {@code TopicWeight} times the weighted sum of P₁–P₄
     * @param timeInMesh P₁, in quanta, capped
     * @param firstMessageDeliveries P₂
     * @param meshDeliveryDeficit P₃, the square of the deficit below the threshold (0 before activation)
     * @param meshFailurePenalty P₃b
     * @param invalidMessages P₄, the square of the invalid messages counted
     */
    public record TopicScore(double score, double timeInMesh, double firstMessageDeliveries,
                             double meshDeliveryDeficit, double meshFailurePenalty, double invalidMessages) {}

    public ScoreSnapshot {
        topics = Map.copyOf(topics);
    }
}
