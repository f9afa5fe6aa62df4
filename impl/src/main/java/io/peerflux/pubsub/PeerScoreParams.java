package io.peerflux.pubsub;

import static io.peerflux.pubsub.TopicScoreParams.isDecay;
import static io.peerflux.pubsub.TopicScoreParams.positive;
import static io.peerflux.pubsub.TopicScoreParams.require;

import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The parameters of gossipsub v1.1's peer score ("The Score Function", "Peer Score Parameters") for
 * {@link PeerScoring}. Immutable: every {@code withX} returns a copy, checked as the spec constrains it (and as
 * go-libp2p-pubsub checks it). Scoring is off unless the user builds a {@link PeerScoring} from these and gives it
 * to the router, which otherwise uses {@link PeerScore#NONE}: good weights depend on each topic's message rate, so
 * there is no score that suits every application. Turning scoring on goes with setting
 * {@link GossipsubConfig#withScoreThresholds} below 0, else any negative score graylists a peer.
 *
 * <p>{@link #defaults()}: no scored topic; {@code TopicScoreCap} 0 (no cap); P₅ off (weight 1, a function scoring
 * 0); P₆ off (weight 0, threshold 1, empty whitelist); P₇ off (weight 0, threshold 0, decay 0.9);
 * {@code DecayInterval} 1 s; {@code DecayToZero} 0.01; {@code RetainScore} 10 min.
 *
 * <p><b>Bounds.</b> State is kept per connected peer (the router reports at most its {@code maxPeers}) and per
 * topic listed here (no peer can add one); besides: {@code retainedPeers} 4096 disconnected peers whose score is
 * kept for {@code RetainScore}, past which the best-scoring are forgotten first; and {@code maxTrackedMessages}
 * 100,000 message ids whose first arrival is remembered for P₃'s window, past which the oldest are forgotten.
 */
public final class PeerScoreParams implements Cloneable {

    private Map<String, TopicScoreParams> topics = Map.of();
    private double topicScoreCap;
    private ToDoubleFunction<PeerId> appSpecificScore = peer -> 0;
    private double appSpecificWeight = 1;
    private double ipColocationFactorWeight;
    private double ipColocationFactorThreshold = 1;
    private List<IpRange> ipColocationFactorWhitelist = List.of();
    private double behaviourPenaltyWeight;
    private double behaviourPenaltyThreshold;
    private double behaviourPenaltyDecay = 0.9;
    private Duration decayInterval = Duration.ofSeconds(1);
    private double decayToZero = 0.01;
    private Duration retainScore = Duration.ofMinutes(10);
    private int retainedPeers = 4096;
    private int maxTrackedMessages = 100_000;

    private PeerScoreParams() {}

    public static PeerScoreParams defaults() {
        return new PeerScoreParams();
    }

    public Map<String, TopicScoreParams> topics() { return topics; }
    public double topicScoreCap() { return topicScoreCap; }
    public ToDoubleFunction<PeerId> appSpecificScore() { return appSpecificScore; }
    public double appSpecificWeight() { return appSpecificWeight; }
    public double ipColocationFactorWeight() { return ipColocationFactorWeight; }
    public double ipColocationFactorThreshold() { return ipColocationFactorThreshold; }
    public List<IpRange> ipColocationFactorWhitelist() { return ipColocationFactorWhitelist; }
    public double behaviourPenaltyWeight() { return behaviourPenaltyWeight; }
    public double behaviourPenaltyThreshold() { return behaviourPenaltyThreshold; }
    public double behaviourPenaltyDecay() { return behaviourPenaltyDecay; }
    public Duration decayInterval() { return decayInterval; }
    public double decayToZero() { return decayToZero; }
    public Duration retainScore() { return retainScore; }
    public int retainedPeers() { return retainedPeers; }
    public int maxTrackedMessages() { return maxTrackedMessages; }

    /** The scored topics; behaviour in other topics does not count. */
    public PeerScoreParams withTopics(Map<String, TopicScoreParams> topics) {
        return with(c -> c.topics = Map.copyOf(topics));
    }

    /** {@code TopicScoreCap}: the most the topics' sum may add to a score (penalties are not capped); 0: no cap. */
    public PeerScoreParams withTopicScoreCap(double cap) {
        return with(c -> c.topicScoreCap = cap);
    }

    /**
     * P₅: {@code weight} ≥ 0 times {@code score(peer)}, which may be negative. The function is called on the
     * router's thread each time a score is asked for, so it must be cheap and must not block.
     */
    public PeerScoreParams withAppSpecificScore(ToDoubleFunction<PeerId> score, double weight) {
        return with(c -> {
            c.appSpecificScore = Objects.requireNonNull(score);
            c.appSpecificWeight = weight;
        });
    }

    /**
     * P₆: {@code weight} ≤ 0 times the square of how many peers past {@code threshold} ≥ 1 share an IP address with
     * this one; addresses in {@code whitelist} are not counted.
     */
    public PeerScoreParams withIpColocationFactor(double weight, double threshold, List<IpRange> whitelist) {
        return with(c -> {
            c.ipColocationFactorWeight = weight;
            c.ipColocationFactorThreshold = threshold;
            c.ipColocationFactorWhitelist = List.copyOf(whitelist);
        });
    }

    /** P₇: {@code weight} ≤ 0 times the square of how far the peer's penalties are past {@code threshold} ≥ 0. */
    public PeerScoreParams withBehaviourPenalty(double weight, double threshold, double decay) {
        return with(c -> {
            c.behaviourPenaltyWeight = weight;
            c.behaviourPenaltyThreshold = threshold;
            c.behaviourPenaltyDecay = decay;
        });
    }

    /** Sets {@code DecayInterval}, {@code DecayToZero} and {@code RetainScore}. */
    public PeerScoreParams withDecay(Duration interval, double toZero, Duration retainScore) {
        return with(c -> {
            c.decayInterval = interval;
            c.decayToZero = toZero;
            c.retainScore = retainScore;
        });
    }

    /** Sets the bounds: disconnected peers retained and message ids remembered for P₃. */
    public PeerScoreParams withLimits(int retainedPeers, int maxTrackedMessages) {
        return with(c -> {
            c.retainedPeers = retainedPeers;
            c.maxTrackedMessages = maxTrackedMessages;
        });
    }

    private PeerScoreParams with(Consumer<PeerScoreParams> change) {
        PeerScoreParams copy;
        try {
            copy = (PeerScoreParams) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
        change.accept(copy);
        copy.check();
        return copy;
    }

    private void check() {
        require(topicScoreCap >= 0, "TopicScoreCap must be >= 0");
        require(appSpecificWeight >= 0, "AppSpecificWeight must be >= 0");
        require(ipColocationFactorWeight <= 0, "IPColocationFactorWeight must be <= 0");
        require(ipColocationFactorWeight == 0 || ipColocationFactorThreshold >= 1,
                "IPColocationFactorThreshold must be >= 1");
        require(behaviourPenaltyWeight <= 0, "BehaviourPenaltyWeight must be <= 0");
        require(isDecay(behaviourPenaltyDecay) && behaviourPenaltyThreshold >= 0,
                "P7 needs a decay in (0, 1) and a threshold >= 0");
        require(positive(decayInterval) && isDecay(decayToZero) && !retainScore.isNegative(),
                "need a positive DecayInterval, DecayToZero in (0, 1) and RetainScore >= 0");
        require(retainedPeers >= 0 && maxTrackedMessages >= 1, "limits must be positive");
    }
}
