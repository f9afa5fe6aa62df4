package io.peerflux.pubsub;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a peer's behaviour in one topic counts towards its score (gossipsub v1.1 "Topic Parameter Calculation and
 * Decay"): P₁ time in mesh, P₂ first message deliveries, P₃ mesh message delivery deficit, P₃b mesh failure penalty,
 * P₄ invalid messages. Immutable: every {@code withX} returns a copy, checked as the spec constrains it (and as
 * go-libp2p-pubsub checks it): rewards have weights ≥ 0, penalties weights ≤ 0, decays lie in (0, 1) (always: the
 * counters decay, and show in {@link ScoreSnapshot}, even when their weight is 0), caps are positive. The other
 * values of a parameter whose weight is 0 (off) are not checked.
 *
 * <p>{@link #defaults()}: topic weight 1 and every P off (weight 0), so that a topic is scored only for what its
 * owner turns on. The other values are those a {@code withX} would usually be given: P₁ quantum 1 s, cap 3600;
 * P₂ decay 0.5, cap 100; P₃ decay 0.5, cap 100, threshold 1, window 10 ms, activation 5 s; P₃b and P₄ decay 0.5.
 */
public final class TopicScoreParams implements Cloneable {

    private double topicWeight = 1;
    private double timeInMeshWeight;
    private Duration timeInMeshQuantum = Duration.ofSeconds(1);
    private double timeInMeshCap = 3600;
    private double firstMessageDeliveriesWeight;
    private double firstMessageDeliveriesDecay = 0.5;
    private double firstMessageDeliveriesCap = 100;
    private double meshMessageDeliveriesWeight;
    private double meshMessageDeliveriesDecay = 0.5;
    private double meshMessageDeliveriesCap = 100;
    private double meshMessageDeliveriesThreshold = 1;
    private Duration meshMessageDeliveriesWindow = Duration.ofMillis(10);
    private Duration meshMessageDeliveriesActivation = Duration.ofSeconds(5);
    private double meshFailurePenaltyWeight;
    private double meshFailurePenaltyDecay = 0.5;
    private double invalidMessageDeliveriesWeight;
    private double invalidMessageDeliveriesDecay = 0.5;

    private TopicScoreParams() {}

    public static TopicScoreParams defaults() {
        return new TopicScoreParams();
    }

    public double topicWeight() { return topicWeight; }
    public double timeInMeshWeight() { return timeInMeshWeight; }
    public Duration timeInMeshQuantum() { return timeInMeshQuantum; }
    public double timeInMeshCap() { return timeInMeshCap; }
    public double firstMessageDeliveriesWeight() { return firstMessageDeliveriesWeight; }
    public double firstMessageDeliveriesDecay() { return firstMessageDeliveriesDecay; }
    public double firstMessageDeliveriesCap() { return firstMessageDeliveriesCap; }
    public double meshMessageDeliveriesWeight() { return meshMessageDeliveriesWeight; }
    public double meshMessageDeliveriesDecay() { return meshMessageDeliveriesDecay; }
    public double meshMessageDeliveriesCap() { return meshMessageDeliveriesCap; }
    public double meshMessageDeliveriesThreshold() { return meshMessageDeliveriesThreshold; }
    public Duration meshMessageDeliveriesWindow() { return meshMessageDeliveriesWindow; }
    public Duration meshMessageDeliveriesActivation() { return meshMessageDeliveriesActivation; }
    public double meshFailurePenaltyWeight() { return meshFailurePenaltyWeight; }
    public double meshFailurePenaltyDecay() { return meshFailurePenaltyDecay; }
    public double invalidMessageDeliveriesWeight() { return invalidMessageDeliveriesWeight; }
    public double invalidMessageDeliveriesDecay() { return invalidMessageDeliveriesDecay; }

    /** {@code TopicWeight}: how much this topic's score counts in the total; ≥ 0. */
    public TopicScoreParams withTopicWeight(double weight) {
        return with(c -> c.topicWeight = weight);
    }

    /** P₁: {@code weight} ≥ 0 per {@code quantum} spent in our mesh, counted up to {@code cap} quanta. */
    public TopicScoreParams withTimeInMesh(double weight, Duration quantum, double cap) {
        return with(c -> {
            c.timeInMeshWeight = weight;
            c.timeInMeshQuantum = quantum;
            c.timeInMeshCap = cap;
        });
    }

    /** P₂: {@code weight} ≥ 0 per message first delivered by the peer, counted up to {@code cap}. */
    public TopicScoreParams withFirstMessageDeliveries(double weight, double decay, double cap) {
        return with(c -> {
            c.firstMessageDeliveriesWeight = weight;
            c.firstMessageDeliveriesDecay = decay;
            c.firstMessageDeliveriesCap = cap;
        });
    }

    /**
     * P₃: once a peer has been in our mesh for {@code activation}, {@code weight} ≤ 0 times the square of how far
     * its deliveries fall below {@code threshold}. Deliveries are messages it brought first or within {@code window}
     * of the first copy, counted up to {@code cap} ≥ {@code threshold}.
     */
    public TopicScoreParams withMeshMessageDeliveries(double weight, double decay, double cap, double threshold,
                                                      Duration window, Duration activation) {
        return with(c -> {
            c.meshMessageDeliveriesWeight = weight;
            c.meshMessageDeliveriesDecay = decay;
            c.meshMessageDeliveriesCap = cap;
            c.meshMessageDeliveriesThreshold = threshold;
            c.meshMessageDeliveriesWindow = window;
            c.meshMessageDeliveriesActivation = activation;
        });
    }

    /** P₃b: {@code weight} ≤ 0 times the P₃ deficit squared that a peer had when it left our mesh. */
    public TopicScoreParams withMeshFailurePenalty(double weight, double decay) {
        return with(c -> {
            c.meshFailurePenaltyWeight = weight;
            c.meshFailurePenaltyDecay = decay;
        });
    }

    /** P₄: {@code weight} ≤ 0 times the square of the invalid messages the peer brought. */
    public TopicScoreParams withInvalidMessageDeliveries(double weight, double decay) {
        return with(c -> {
            c.invalidMessageDeliveriesWeight = weight;
            c.invalidMessageDeliveriesDecay = decay;
        });
    }

    private TopicScoreParams with(Consumer<TopicScoreParams> change) {
        TopicScoreParams copy;
        try {
            copy = (TopicScoreParams) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
        change.accept(copy);
        copy.check();
        return copy;
    }

    private void check() {
        require(topicWeight >= 0, "TopicWeight must be >= 0");
        require(isDecay(firstMessageDeliveriesDecay) && isDecay(meshMessageDeliveriesDecay)
                && isDecay(meshFailurePenaltyDecay) && isDecay(invalidMessageDeliveriesDecay),
                "decays must be in (0, 1)");
        require(timeInMeshWeight >= 0, "TimeInMeshWeight must be >= 0");
        if (timeInMeshWeight != 0) {
            require(positive(timeInMeshQuantum) && timeInMeshCap > 0, "P1 needs a positive quantum and cap");
        }
        require(firstMessageDeliveriesWeight >= 0, "FirstMessageDeliveriesWeight must be >= 0");
        if (firstMessageDeliveriesWeight != 0) {
            require(firstMessageDeliveriesCap > 0, "P2 needs a positive cap");
        }
        require(meshMessageDeliveriesWeight <= 0, "MeshMessageDeliveriesWeight must be <= 0");
        if (meshMessageDeliveriesWeight != 0) {
            require(meshMessageDeliveriesThreshold > 0 && meshMessageDeliveriesCap >= meshMessageDeliveriesThreshold,
                    "P3 needs 0 < threshold <= cap");
            require(!meshMessageDeliveriesWindow.isNegative() && positive(meshMessageDeliveriesActivation),
                    "P3 needs a window >= 0 and a positive activation");
        }
        require(meshFailurePenaltyWeight <= 0, "MeshFailurePenaltyWeight must be <= 0");
        require(invalidMessageDeliveriesWeight <= 0, "InvalidMessageDeliveriesWeight must be <= 0");
    }

    static boolean isDecay(double decay) {
        return decay > 0 && decay < 1;
    }

    static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
