package io.peerflux.pubsub;

import static io.peerflux.pubsub.PubsubFixtures.SECOND;
import static io.peerflux.pubsub.PubsubFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.peer.PeerId;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The router with a score: {@link PeerScoring} against misbehaving peers, and each v1.1 score threshold acting
 * (publish and accept-PX are in {@link GossipsubRouterTest}).
 */
class PeerScoringRouterTest {

    private static final long MS = SECOND / 1000;

    private long now = T0;
    private GossipsubRouter router;
    private int seqno;

    private GossipsubRouter router(GossipsubConfig config, PeerScore score) {
        router = new GossipsubRouter(PubsubFixtures.key(1000), config, score, new SplittableRandom(7), now);
        return router;
    }

    private List<PeerId> peers(int from, int n, String topic) {
        List<PeerId> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            PeerId peer = PubsubFixtures.peer(i);
            router.addPeer(peer, PubsubProtocol.GOSSIPSUB_V11, true);
            router.handleRpc(peer, subscribe(topic), now);
            out.add(peer);
        }
        router.drain();
        return out;
    }

    private static Rpc subscribe(String topic) {
        return new Rpc(List.of(new Rpc.Subscription(true, topic)), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    private static Rpc control(List<Rpc.IHave> ihave, List<MessageId> iwant) {
        return new Rpc(List.of(), List.of(), ihave, iwant, List.of(), List.of(), List.of());
    }

    private Message signed(String topic) {
        return MessageSigning.sign(topic, new byte[] {1}, ++seqno, PubsubFixtures.key(500));
    }

    private static Message forged(Message m) {
        return new Message(m.topic(), new byte[] {6, 6, 6}, m.from(), m.seqno(), m.signature(), null);
    }

    private void heartbeat() {
        now += SECOND;
        router.heartbeat(now);
        router.drain();
    }

    @Test
    void aPeerSendingInvalidMessagesFallsBelowTheGraylistAndIsIgnored() {
        PeerScoring scoring = new PeerScoring(PeerScoreParams.defaults().withTopics(Map.of("t",
                TopicScoreParams.defaults().withInvalidMessageDeliveries(-10, 0.9))), now);
        router(GossipsubConfig.defaults().withScoreThresholds(-10, -20, -40, 0, 0), scoring);
        router.subscribe("t", now);
        PeerId spammer = peers(1, 1, "t").get(0);

        router.handleRpc(spammer, Rpc.ofMessages(List.of(forged(signed("t")), forged(signed("t")))), now);
        assertThat(scoring.score(spammer)).isEqualTo(-40);
        router.handleRpc(spammer, Rpc.ofMessages(List.of(signed("t"))), now);
        assertThat(router.drain().deliveries()).as("-40 is not below the graylist").hasSize(1);

        router.handleRpc(spammer, Rpc.ofMessages(List.of(forged(signed("t")))), now);
        assertThat(scoring.score(spammer)).isEqualTo(-90);
        router.handleRpc(spammer, new Rpc(List.of(new Rpc.Subscription(true, "u")), List.of(signed("t")),
                List.of(), List.of(), List.of(), List.of(), List.of()), now);
        assertThat(router.drain().deliveries()).isEmpty();
        assertThat(router.topicPeers("u")).isEmpty();
    }

    @Test
    void aMeshPeerThatNeverForwardsIsPrunedByTheDeliveryDeficitAfterActivation() {
        PeerScoring scoring = new PeerScoring(PeerScoreParams.defaults().withTopics(Map.of("t",
                TopicScoreParams.defaults().withMeshMessageDeliveries(-1, 0.5, 10, 1, Duration.ofMillis(10),
                        Duration.ofSeconds(3)).withMeshFailurePenalty(-1, 0.5))), now);
        router(GossipsubConfig.defaults(), scoring);
        List<PeerId> members = peers(1, 6, "t");
        router.subscribe("t", now);
        router.drain();
        assertThat(router.meshPeers("t")).containsExactlyInAnyOrderElementsOf(members);
        PeerId sybil = members.get(5);
        List<PeerId> honest = members.subList(0, 5);

        for (int beat = 1; beat <= 5; beat++) {
            for (int k = 0; k < 3; k++) {
                Message m = signed("t");
                router.handleRpc(honest.get(k % 5), Rpc.ofMessages(List.of(m)), now);
                for (PeerId peer : honest) {
                    router.handleRpc(peer, Rpc.ofMessages(List.of(m)), now + MS);
                }
            }
            router.drain();
            now += SECOND;
            router.heartbeat(now);
            GossipsubRouter.Output out = router.drain();
            if (beat < 3) {
                assertThat(router.meshPeers("t")).as("beat %d, before activation", beat).contains(sybil);
            } else if (beat == 3) {
                assertThat(scoring.score(sybil)).as("P3b: pruned with a deficit of 1").isEqualTo(-1);
                assertThat(out.sends()).anySatisfy(s -> {
                    assertThat(s.peer()).isEqualTo(sybil);
                    assertThat(s.rpc().prune()).extracting(Rpc.Prune::topic).containsExactly("t");
                });
            }
        }
        assertThat(router.meshPeers("t")).containsExactlyInAnyOrderElementsOf(honest);
        honest.forEach(peer -> assertThat(scoring.score(peer)).isZero());
    }

    @Test
    void peersColocatedPastTheThresholdScoreNegativeAndAreNotGrafted() throws Exception {
        PeerScoring scoring = new PeerScoring(PeerScoreParams.defaults().withIpColocationFactor(-1, 3, List.of()),
                now);
        router(GossipsubConfig.defaults(), scoring);
        List<PeerId> colocated = peers(1, 4, "t");
        List<PeerId> apart = peers(10, 6, "t");
        for (PeerId peer : colocated) {
            scoring.addresses(peer, Set.of(InetAddress.getByName("203.0.113.7")));
        }
        for (int i = 0; i < apart.size(); i++) {
            scoring.addresses(apart.get(i), Set.of(InetAddress.getByName("198.51.100." + (i + 1))));
        }
        router.subscribe("t", now);
        router.drain();
        colocated.forEach(peer -> assertThat(scoring.score(peer)).isEqualTo(-1));
        assertThat(router.meshPeers("t")).containsExactlyInAnyOrderElementsOf(apart);

        router.removePeer(colocated.get(0), now);
        assertThat(scoring.score(colocated.get(1))).as("3 left: at the threshold").isZero();
    }

    /** A score the test sets per peer. */
    private static final class SetScore implements PeerScore {
        final Map<PeerId, Double> scores = new HashMap<>();

        @Override
        public double score(PeerId peer) {
            return scores.getOrDefault(peer, 0.0);
        }
    }

    @Test
    void graylistedPeersRpcsAreIgnored() {
        SetScore score = new SetScore();
        router(GossipsubConfig.defaults().withScoreThresholds(-1, -2, -3, 0, 0), score);
        PeerId gray = PubsubFixtures.peer(1);
        PeerId low = PubsubFixtures.peer(2);
        score.scores.put(gray, -3.5);
        score.scores.put(low, -2.5);
        for (PeerId peer : List.of(gray, low)) {
            router.addPeer(peer, PubsubProtocol.GOSSIPSUB_V11, true);
            router.handleRpc(peer, subscribe("t"), now);
        }
        assertThat(router.topicPeers("t")).containsExactly(low);
    }

    @Test
    void peersBelowTheGossipThresholdGetNoIWantNoIWantAnswerAndNoGossip() {
        SetScore score = new SetScore();
        router(GossipsubConfig.defaults().withScoreThresholds(-1, -2, -3, 0, 0)
                .withDegrees(1, 1, 2, 6, 0, 0), score);
        router.subscribe("t", now);
        List<PeerId> peers = peers(1, 3, "t");
        PeerId low = peers.stream().filter(p -> !router.meshPeers("t").contains(p)).findFirst().orElseThrow();
        PeerId ok = peers.stream().filter(p -> !router.meshPeers("t").contains(p) && !p.equals(low)).findFirst()
                .orElseThrow();
        score.scores.put(low, -1.5);
        MessageId unseen = MessageId.of(new byte[] {1, 2, 3});

        router.handleRpc(low, control(List.of(new Rpc.IHave("t", List.of(unseen))), List.of()), now);
        assertThat(router.drain().sends()).isEmpty();
        router.handleRpc(ok, control(List.of(new Rpc.IHave("t", List.of(unseen))), List.of()), now);
        assertThat(router.drain().sends()).singleElement().satisfies(s -> assertThat(s.rpc().iwant()).hasSize(1));

        MessageId published = router.publish("t", new byte[] {1}, now);
        router.drain();
        router.handleRpc(low, control(List.of(), List.of(published)), now);
        assertThat(router.drain().sends()).isEmpty();
        router.handleRpc(ok, control(List.of(), List.of(published)), now);
        assertThat(router.drain().sends()).singleElement().satisfies(s ->
                assertThat(s.rpc().messages()).hasSize(1));

        now += SECOND;
        router.heartbeat(now);
        GossipsubRouter.Output out = router.drain();
        assertThat(out.sends()).filteredOn(s -> !s.rpc().ihave().isEmpty())
                .extracting(GossipsubRouter.Send::peer).contains(ok).doesNotContain(low);
    }

    @Test
    void aMeshWhoseMedianScoreIsBelowTheOpportunisticThresholdGraftsBetterPeers() {
        for (double threshold : new double[] {0, 5}) {
            SetScore score = new SetScore();
            router(GossipsubConfig.defaults().withScoreThresholds(0, 0, 0, 0, threshold), score);
            List<PeerId> peers = peers(1, 8, "t");
            peers.forEach(p -> score.scores.put(p, 1.0));
            router.subscribe("t", now);
            router.drain();
            Set<PeerId> mesh = router.meshPeers("t");
            assertThat(mesh).hasSize(6);
            peers.stream().filter(p -> !mesh.contains(p)).forEach(p -> score.scores.put(p, 10.0));
            for (int i = 0; i < 60; i++) {
                heartbeat();
            }
            assertThat(router.meshPeers("t")).as("threshold %s", threshold)
                    .hasSize(threshold > 1 ? 8 : 6).containsAll(mesh);
        }
    }
}
