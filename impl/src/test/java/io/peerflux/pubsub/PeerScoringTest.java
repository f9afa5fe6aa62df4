package io.peerflux.pubsub;

import static io.peerflux.pubsub.PubsubFixtures.SECOND;
import static io.peerflux.pubsub.PubsubFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.peerflux.peer.PeerId;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link PeerScoring} driven by hand with a fake clock: each P against the spec's formula. */
class PeerScoringTest {

    private static final double EPS = 1e-9;
    private static final long MS = SECOND / 1000;
    private static final PeerId A = PubsubFixtures.peer(1);
    private static final PeerId B = PubsubFixtures.peer(2);
    private static final PeerId C = PubsubFixtures.peer(3);
    private static final PeerId D = PubsubFixtures.peer(4);

    private long now = T0;
    private int ids;

    private PeerScoring scoring(PeerScoreParams params, PeerId... peers) {
        PeerScoring s = new PeerScoring(params, now);
        for (PeerId peer : peers) {
            s.connected(peer);
        }
        return s;
    }

    private static PeerScoreParams topic(TopicScoreParams t) {
        return PeerScoreParams.defaults().withTopics(Map.of("t", t));
    }

    private void refresh(PeerScoring s, long step) {
        now += step;
        s.refresh(now);
    }

    private MessageId id() {
        return MessageId.of(new byte[] {(byte) (ids >> 8), (byte) ids++});
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // a literal: no lookup
    }

    @Test
    void p1CountsQuantaInTheMeshUpToTheCap() {
        PeerScoring s = scoring(topic(TopicScoreParams.defaults().withTimeInMesh(0.5, Duration.ofSeconds(1), 10)), A);
        s.graft(A, "t", now);
        refresh(s, 3 * SECOND);
        assertThat(s.score(A)).isCloseTo(0.5 * 3, within(EPS));
        refresh(s, 30 * SECOND);
        assertThat(s.score(A)).isCloseTo(0.5 * 10, within(EPS));
        s.prune(A, "t", now);
        assertThat(s.score(A)).isZero();
    }

    @Test
    void p2CountsFirstDeliveriesUpToTheCapAndDecaysEachIntervalThenToZero() {
        PeerScoring s = scoring(topic(TopicScoreParams.defaults().withFirstMessageDeliveries(2, 0.5, 3))
                .withDecay(Duration.ofSeconds(1), 0.2, Duration.ZERO), A);
        for (int i = 0; i < 5; i++) {
            s.firstDelivery(A, id(), "t", now);
        }
        assertThat(s.score(A)).isCloseTo(2 * 3, within(EPS));
        refresh(s, 999 * MS);
        assertThat(s.score(A)).as("not a whole interval yet").isCloseTo(2 * 3, within(EPS));
        refresh(s, MS);
        assertThat(s.score(A)).isCloseTo(2 * 1.5, within(EPS));
        refresh(s, 2 * SECOND);
        assertThat(s.score(A)).isCloseTo(2 * 0.375, within(EPS));
        refresh(s, SECOND);
        assertThat(s.score(A)).as("0.1875 is below DecayToZero 0.2").isZero();
    }

    @Test
    void p3CountsNearFirstDeliveriesInTheMeshAfterActivationAndP3bPenalisesAPruneInDeficit() {
        PeerScoring s = scoring(topic(TopicScoreParams.defaults()
                .withMeshMessageDeliveries(-1, 0.5, 10, 4, Duration.ofMillis(10), Duration.ofSeconds(5))
                .withMeshFailurePenalty(-2, 0.5)), A, B);
        s.graft(A, "t", now);
        MessageId m1 = id();
        MessageId m2 = id();
        MessageId m3 = id();
        s.firstDelivery(B, m1, "t", now); // B is not in the mesh: nothing for P3
        s.duplicateDelivery(A, m1, "t", now + 5 * MS); // within the window: counts
        s.duplicateDelivery(A, m1, "t", now + 6 * MS); // the same peer again: does not
        s.firstDelivery(B, m2, "t", now);
        s.duplicateDelivery(A, m2, "t", now + 11 * MS); // after the window: does not
        s.firstDelivery(A, m3, "t", now); // first, in the mesh: counts
        s.duplicateDelivery(A, id(), "t", now); // never seen first: ignored

        refresh(s, 4 * SECOND);
        assertThat(s.score(A)).as("not active yet").isZero();
        assertThat(s.score(B)).as("not in the mesh").isZero();
        refresh(s, SECOND);
        double deliveries = 2 * Math.pow(0.5, 5);
        double deficit = 4 - deliveries;
        assertThat(s.score(A)).isCloseTo(-deficit * deficit, within(EPS));
        assertThat(s.snapshot(A).orElseThrow().topics().get("t").meshDeliveryDeficit())
                .isCloseTo(deficit * deficit, within(EPS));

        s.prune(A, "t", now);
        assertThat(s.score(A)).as("P3 off the mesh, P3b instead").isCloseTo(-2 * deficit * deficit, within(EPS));
        refresh(s, SECOND);
        assertThat(s.score(A)).isCloseTo(-2 * deficit * deficit * 0.5, within(EPS));
    }

    @Test
    void p3IsNotPenalisedWhenDeliveriesReachTheThreshold() {
        PeerScoring s = scoring(topic(TopicScoreParams.defaults()
                .withMeshMessageDeliveries(-1, 0.9, 10, 2, Duration.ofMillis(10), Duration.ofSeconds(1))
                .withMeshFailurePenalty(-1, 0.5)), A);
        s.graft(A, "t", now);
        for (int i = 0; i < 20; i++) {
            s.firstDelivery(A, id(), "t", now);
        }
        refresh(s, SECOND);
        assertThat(s.snapshot(A).orElseThrow().topics().get("t").meshDeliveryDeficit()).isZero();
        s.prune(A, "t", now);
        assertThat(s.score(A)).isZero();
    }

    @Test
    void p4IsTheSquareOfInvalidMessagesDecayed() {
        PeerScoring s = scoring(topic(TopicScoreParams.defaults().withInvalidMessageDeliveries(-3, 0.5)), A);
        s.invalidMessage(A, "t", Rejection.INVALID_SIGNATURE, now);
        s.invalidMessage(A, "t", Rejection.INVALID_SIGNATURE, now);
        s.invalidMessage(A, "other", Rejection.INVALID_SIGNATURE, now); // not a scored topic
        assertThat(s.score(A)).isCloseTo(-3 * 4, within(EPS));
        refresh(s, SECOND);
        assertThat(s.score(A)).isCloseTo(-3 * 1, within(EPS));
    }

    @Test
    void topicsAreWeightedAndTheirPositiveSumCapped() {
        TopicScoreParams rewards = TopicScoreParams.defaults().withFirstMessageDeliveries(1, 0.5, 100)
                .withInvalidMessageDeliveries(-1, 0.5);
        PeerScoring s = scoring(PeerScoreParams.defaults().withTopicScoreCap(5).withTopics(Map.of(
                "t1", rewards.withTopicWeight(2), "t2", rewards.withTopicWeight(0.5))), A, B);
        s.firstDelivery(A, id(), "t1", now);
        s.firstDelivery(A, id(), "t2", now);
        assertThat(s.score(A)).isCloseTo(2 * 1 + 0.5 * 1, within(EPS));
        for (int i = 0; i < 10; i++) {
            s.firstDelivery(A, id(), "t1", now);
        }
        assertThat(s.score(A)).as("capped").isCloseTo(5, within(EPS));
        for (int i = 0; i < 3; i++) {
            s.invalidMessage(B, "t2", Rejection.INVALID_SIGNATURE, now);
        }
        assertThat(s.score(B)).as("penalties are not capped").isCloseTo(0.5 * -9, within(EPS));
    }

    @Test
    void p5IsTheApplicationsScoreWeighted() {
        PeerScoring s = scoring(PeerScoreParams.defaults().withAppSpecificScore(p -> p.equals(A) ? -2 : 1, 3), A, B);
        assertThat(s.score(A)).isCloseTo(-6, within(EPS));
        assertThat(s.score(B)).isCloseTo(3, within(EPS));
        assertThat(s.score(C)).as("not connected").isZero();
    }

    @Test
    void p6PenalisesPeersPastTheThresholdOnOneIpOrIpv6Slash64ExceptTheWhitelist() throws Exception {
        PeerScoreParams params = PeerScoreParams.defaults().withIpColocationFactor(-1, 1, List.of());
        PeerScoring s = scoring(params, A, B, C, D);
        s.addresses(A, Set.of(ip("1.2.3.4")));
        s.addresses(B, Set.of(ip("1.2.3.4")));
        s.addresses(C, Set.of(ip("1.2.3.4")));
        s.addresses(D, Set.of(ip("1.2.3.5")));
        assertThat(s.score(A)).isCloseTo(-(3 - 1) * (3 - 1), within(EPS));
        assertThat(s.snapshot(C).orElseThrow().ipColocation()).isCloseTo(4, within(EPS));
        assertThat(s.score(D)).isZero();

        s.disconnected(C, now);
        assertThat(s.score(A)).as("C no longer counts").isCloseTo(-1, within(EPS));
        s.addresses(B, Set.of(ip("2001:db8::1")));
        s.addresses(D, Set.of(ip("2001:db8::2")));
        assertThat(s.score(A)).isZero();
        assertThat(s.score(B)).as("the same /64").isCloseTo(-1, within(EPS));

        PeerScoring white = scoring(PeerScoreParams.defaults().withIpColocationFactor(-1, 1,
                List.of(IpRange.of(ip("1.2.3.0"), 24))), A, B);
        white.addresses(A, Set.of(ip("1.2.3.4")));
        white.addresses(B, Set.of(ip("1.2.3.4")));
        assertThat(white.score(A)).isZero();
    }

    @Test
    void p7IsTheSquareOfPenaltiesPastTheThresholdDecayed() {
        PeerScoring s = scoring(PeerScoreParams.defaults().withBehaviourPenalty(-1, 2, 0.5), A);
        s.behaviourPenalty(A, 2);
        assertThat(s.score(A)).as("at the threshold").isZero();
        s.behaviourPenalty(A, 3);
        assertThat(s.score(A)).isCloseTo(-9, within(EPS));
        refresh(s, SECOND);
        assertThat(s.score(A)).isCloseTo(-0.25, within(EPS));
    }

    @Test
    void aDisconnectedPeersScoreIsRetainedThenForgotten() {
        PeerScoring s = scoring(topic(TopicScoreParams.defaults().withInvalidMessageDeliveries(-1, 0.5))
                .withDecay(Duration.ofSeconds(1), 0.01, Duration.ofSeconds(10)), A);
        for (int i = 0; i < 4; i++) {
            s.invalidMessage(A, "t", Rejection.INVALID_SIGNATURE, now);
        }
        s.disconnected(A, now);
        s.invalidMessage(A, "t", Rejection.INVALID_SIGNATURE, now); // not connected: ignored
        refresh(s, SECOND);
        assertThat(s.score(A)).isCloseTo(-4, within(EPS));
        assertThat(s.snapshot(A).orElseThrow().connected()).isFalse();
        s.connected(A);
        assertThat(s.score(A)).as("reconnecting keeps the penalty").isCloseTo(-4, within(EPS));
        s.disconnected(A, now);
        refresh(s, 9 * SECOND);
        assertThat(s.snapshot(A)).isPresent();
        refresh(s, SECOND);
        assertThat(s.snapshot(A)).isEmpty();
        s.connected(A);
        assertThat(s.score(A)).isZero();
    }

    @Test
    void whenRetainedPeersAreFullTheBestScoresAreForgottenFirst() {
        PeerScoring s = scoring(PeerScoreParams.defaults().withBehaviourPenalty(-1, 0, 0.5).withLimits(2, 10),
                A, B, C, D);
        s.behaviourPenalty(A, 1);
        s.behaviourPenalty(B, 3);
        s.behaviourPenalty(C, 2);
        s.disconnected(A, now);
        s.disconnected(B, now);
        s.disconnected(C, now); // evicts A (-1)
        s.disconnected(D, now); // scores 0: not retained
        assertThat(s.snapshots()).extracting(ScoreSnapshot::peer).containsExactlyInAnyOrder(B, C);
    }

    @Test
    void eventsAboutPeersNotConnectedAreIgnored() {
        PeerScoring s = scoring(topic(TopicScoreParams.defaults().withFirstMessageDeliveries(1, 0.5, 10)));
        s.firstDelivery(A, id(), "t", now);
        s.behaviourPenalty(A, 5);
        s.graft(A, "t", now);
        assertThat(s.snapshot(A)).isEmpty();
        assertThat(s.snapshots()).isEmpty();
    }

    @Test
    void aSnapshotExplainsTheTotal() throws Exception {
        PeerScoring s = scoring(topic(TopicScoreParams.defaults().withTopicWeight(0.5)
                .withTimeInMesh(1, Duration.ofSeconds(1), 100).withFirstMessageDeliveries(2, 0.5, 10))
                .withAppSpecificScore(p -> 3, 2).withIpColocationFactor(-0.5, 1, List.of())
                .withBehaviourPenalty(-1, 0, 0.5), A, B);
        s.graft(A, "t", now);
        s.firstDelivery(A, id(), "t", now);
        s.behaviourPenalty(A, 2);
        s.addresses(A, Set.of(ip("1.2.3.4")));
        s.addresses(B, Set.of(ip("1.2.3.4")));
        refresh(s, 4 * SECOND);
        ScoreSnapshot snap = s.snapshot(A).orElseThrow();
        ScoreSnapshot.TopicScore t = snap.topics().get("t");
        assertThat(t.timeInMesh()).isCloseTo(4, within(EPS));
        assertThat(t.firstMessageDeliveries()).isCloseTo(Math.pow(0.5, 4), within(EPS));
        assertThat(t.score()).isCloseTo(0.5 * (4 + 2 * Math.pow(0.5, 4)), within(EPS));
        assertThat(snap.appSpecific()).isEqualTo(3);
        assertThat(snap.ipColocation()).isCloseTo(1, within(EPS));
        assertThat(snap.behaviourPenalty()).isCloseTo(Math.pow(2 * Math.pow(0.5, 4), 2), within(EPS));
        assertThat(snap.total()).isCloseTo(t.score() + 2 * 3 - 0.5 * 1 - snap.behaviourPenalty(), within(EPS))
                .isEqualTo(s.score(A));
    }

    /**
     * A peer that stays in the mesh, delivers at least the threshold each interval (first or within the window),
     * sends nothing invalid and has its own IP never scores below 0, whatever the timing, over many seeds.
     */
    @Test
    void aWellBehavedPeerNeverScoresNegative() throws Exception {
        PeerScoreParams params = topic(TopicScoreParams.defaults()
                .withTimeInMesh(0.01, Duration.ofSeconds(1), 100)
                .withFirstMessageDeliveries(1, 0.9, 50)
                .withMeshMessageDeliveries(-1, 0.9, 50, 5, Duration.ofMillis(10), Duration.ofSeconds(10))
                .withMeshFailurePenalty(-1, 0.9)
                .withInvalidMessageDeliveries(-10, 0.9))
                .withIpColocationFactor(-10, 1, List.of())
                .withBehaviourPenalty(-10, 0, 0.9);
        for (int seed = 0; seed < 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            PeerScoring s = scoring(params, A, B);
            s.addresses(A, Set.of(ip("1.2.3.4")));
            s.addresses(B, Set.of(ip("5.6.7.8")));
            s.graft(A, "t", now);
            for (int beat = 0; beat < 200; beat++) {
                refresh(s, SECOND - 50 * MS + random.nextLong(100 * MS));
                assertThat(s.score(A)).as("seed %d beat %d", seed, beat).isGreaterThanOrEqualTo(0);
                if (random.nextInt(50) == 0) {
                    s.prune(A, "t", now);
                    s.graft(A, "t", now);
                }
                int messages = 5 + random.nextInt(6);
                for (int i = 0; i < messages; i++) {
                    MessageId m = id();
                    long at = now + random.nextLong(500 * MS);
                    if (random.nextInt(4) == 0) {
                        s.firstDelivery(A, m, "t", at);
                    } else {
                        s.firstDelivery(B, m, "t", at);
                        s.duplicateDelivery(A, m, "t", at + random.nextLong(10 * MS + 1));
                    }
                    assertThat(s.score(A)).isGreaterThanOrEqualTo(0);
                }
            }
        }
    }

    @Test
    void parametersAreCheckedAsTheSpecConstrainsThem() {
        TopicScoreParams t = TopicScoreParams.defaults();
        assertThatThrownBy(() -> t.withTopicWeight(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withTimeInMesh(-1, Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withTimeInMesh(1, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withFirstMessageDeliveries(1, 1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withFirstMessageDeliveries(1, 0.5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withMeshMessageDeliveries(1, 0.5, 10, 1, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withMeshMessageDeliveries(-1, 0.5, 1, 2, Duration.ZERO, Duration.ofSeconds(1)))
                .as("cap below threshold").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withMeshMessageDeliveries(-1, 0.5, 2, 1, Duration.ZERO, Duration.ZERO))
                .as("no activation").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withMeshFailurePenalty(1, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withInvalidMessageDeliveries(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.withInvalidMessageDeliveries(Double.NaN, 0.5))
                .isInstanceOf(IllegalArgumentException.class);

        PeerScoreParams p = PeerScoreParams.defaults();
        assertThatThrownBy(() -> p.withTopicScoreCap(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.withAppSpecificScore(x -> 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.withIpColocationFactor(1, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.withIpColocationFactor(-1, 0.5, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.withBehaviourPenalty(-1, -1, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.withBehaviourPenalty(-1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.withDecay(Duration.ZERO, 0.01, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.withDecay(Duration.ofSeconds(1), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GossipsubConfig.defaults().withScoreThresholds(-1, 0, -2, 0, 0))
                .as("publish above gossip").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GossipsubConfig.defaults().withScoreThresholds(-1, -2, -1, 0, 0))
                .as("graylist above publish").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipRangesMatchTheirPrefix() throws Exception {
        IpRange r = IpRange.of(ip("10.1.0.0"), 15);
        assertThat(r.contains(ip("10.1.255.1"))).isTrue();
        assertThat(r.contains(ip("10.0.0.1"))).isTrue();
        assertThat(r.contains(ip("10.2.0.1"))).isFalse();
        assertThat(r.contains(ip("::1"))).isFalse();
        assertThat(IpRange.of(ip("::"), 0).contains(ip("2001:db8::1"))).isTrue();
        assertThat(IpRange.of(ip("1.2.3.4"), 32).contains(ip("1.2.3.5"))).isFalse();
        assertThatThrownBy(() -> IpRange.of(ip("1.2.3.4"), 33)).isInstanceOf(IllegalArgumentException.class);
    }
}
