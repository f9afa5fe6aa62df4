package io.peerflux.pubsub;

import static io.peerflux.pubsub.PubsubFixtures.SECOND;
import static io.peerflux.pubsub.PubsubFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.LimitExceededException;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One router driven by hand, peers played by the test, with a fixed seed and time. */
class GossipsubRouterTest {

    /** A score the test sets per peer, recording penalties. */
    private static final class TestScore implements PeerScore {
        final Map<PeerId, Double> scores = new HashMap<>();
        final Map<PeerId, Integer> penalties = new HashMap<>();

        @Override
        public double score(PeerId peer) {
            return scores.getOrDefault(peer, 0.0);
        }

        @Override
        public void behaviourPenalty(PeerId peer, int count) {
            penalties.merge(peer, count, Integer::sum);
        }
    }

    private final TestScore score = new TestScore();
    private long now = T0;
    private GossipsubRouter router;

    private GossipsubRouter router(GossipsubConfig config) {
        router = new GossipsubRouter(PubsubFixtures.key(1000), config, score, new SplittableRandom(7), now);
        return router;
    }

    /** Peers 1..n, added with {@code protocol}, subscribed to {@code topic}; their first RPCs drained. */
    private List<PeerId> peers(int from, int n, PubsubProtocol protocol, boolean outbound, String topic) {
        List<PeerId> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            PeerId peer = PubsubFixtures.peer(i);
            router.addPeer(peer, protocol, outbound);
            router.handleRpc(peer, new Rpc(List.of(new Rpc.Subscription(true, topic)), List.of(), List.of(),
                    List.of(), List.of(), List.of(), List.of()), now);
            out.add(peer);
        }
        router.drain();
        return out;
    }

    private static Map<PeerId, List<Rpc>> byPeer(GossipsubRouter.Output out) {
        return out.sends().stream().collect(Collectors.groupingBy(GossipsubRouter.Send::peer,
                Collectors.mapping(GossipsubRouter.Send::rpc, Collectors.toList())));
    }

    private static Set<PeerId> sentMessageTo(GossipsubRouter.Output out) {
        return out.sends().stream().filter(s -> !s.rpc().messages().isEmpty()).map(GossipsubRouter.Send::peer)
                .collect(Collectors.toSet());
    }

    private static Set<PeerId> sent(GossipsubRouter.Output out, java.util.function.Predicate<Rpc> what) {
        return out.sends().stream().filter(s -> what.test(s.rpc())).map(GossipsubRouter.Send::peer)
                .collect(Collectors.toSet());
    }

    private static Rpc control(List<Rpc.IHave> ihave, List<MessageId> iwant, List<String> graft,
                               List<Rpc.Prune> prune, List<MessageId> idontwant) {
        return new Rpc(List.of(), List.of(), ihave, iwant, graft, prune, idontwant);
    }

    private static Message signed(int author, String topic, long seqno, int size) {
        return MessageSigning.sign(topic, new byte[size], seqno, PubsubFixtures.key(author));
    }

    private void heartbeat(long step) {
        now += step;
        router.heartbeat(now);
    }

    @Test
    void subscribingAnnouncesToEveryPeerAndGraftsUpToD() {
        router(GossipsubConfig.defaults());
        List<PeerId> members = peers(1, 10, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        List<PeerId> others = peers(20, 2, PubsubProtocol.GOSSIPSUB_V11, true, "other");
        router.subscribe("t", now);
        GossipsubRouter.Output out = router.drain();
        assertThat(sent(out, r -> r.subscriptions().equals(List.of(new Rpc.Subscription(true, "t")))))
                .containsAll(members).containsAll(others);
        assertThat(router.meshPeers("t")).hasSize(6).isSubsetOf(members);
        assertThat(sent(out, r -> r.graft().equals(List.of("t")))).isEqualTo(router.meshPeers("t"));
    }

    @Test
    void peersJoiningOurTopicAreGraftedAtOnceWhileTheMeshIsBelowDLo() {
        GossipsubConfig config = GossipsubConfig.defaults();
        router(config);
        router.subscribe("t", now);
        router.drain();
        List<PeerId> flood = peers(50, 1, PubsubProtocol.FLOODSUB, true, "t");
        List<PeerId> joined = peers(1, config.dLo() + 2, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        // peers() drained the GRAFTs; the mesh shows who got one.
        assertThat(router.meshPeers("t")).containsExactlyInAnyOrderElementsOf(joined.subList(0, config.dLo()))
                .doesNotContainAnyElementsOf(flood);
        PeerId late = PubsubFixtures.peer(40);
        router.addPeer(late, PubsubProtocol.GOSSIPSUB_V11, true);
        router.handleRpc(late, new Rpc(List.of(new Rpc.Subscription(true, "t")), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of()), now);
        assertThat(router.drain().sends()).noneMatch(s -> !s.rpc().graft().isEmpty());
        assertThat(router.meshPeers("t")).doesNotContain(late);
    }

    @Test
    void aNewPeerIsToldOurSubscriptions() {
        router(GossipsubConfig.defaults());
        router.subscribe("t", now);
        router.drain();
        router.addPeer(PubsubFixtures.peer(1), PubsubProtocol.FLOODSUB, false);
        assertThat(router.drain().sends()).singleElement().satisfies(s ->
                assertThat(s.rpc().subscriptions()).containsExactly(new Rpc.Subscription(true, "t")));
    }

    @Test
    void aValidMessageIsDeliveredOnceAndForwardedToMeshAndFloodsubPeersButNotBack() {
        router(GossipsubConfig.defaults());
        List<PeerId> gossip = peers(1, 8, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        List<PeerId> flood = peers(20, 2, PubsubProtocol.FLOODSUB, false, "t");
        router.subscribe("t", now);
        router.drain();
        PeerId source = router.meshPeers("t").iterator().next();
        Message m = signed(1, "t", 1, 10);

        router.handleRpc(source, Rpc.ofMessages(List.of(m)), now);
        GossipsubRouter.Output out = router.drain();

        assertThat(out.deliveries()).singleElement().satisfies(d -> {
            assertThat(d.message()).isEqualTo(m);
            assertThat(d.receivedFrom()).isEqualTo(source);
        });
        Set<PeerId> expected = new java.util.HashSet<>(router.meshPeers("t"));
        expected.addAll(flood);
        expected.remove(source);
        expected.remove(PubsubFixtures.peer(1)); // the author
        assertThat(sentMessageTo(out)).isEqualTo(expected);
        assertThat(gossip).containsAll(router.meshPeers("t"));

        router.handleRpc(flood.get(0), Rpc.ofMessages(List.of(m)), now);
        assertThat(router.drain().deliveries()).as("a duplicate").isEmpty();
    }

    @Test
    void messagesOfTopicsWeDoNotSubscribeAreDropped() {
        router(GossipsubConfig.defaults());
        List<PeerId> peers = peers(1, 3, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.handleRpc(peers.get(0), Rpc.ofMessages(List.of(signed(1, "t", 1, 1))), now);
        GossipsubRouter.Output out = router.drain();
        assertThat(out.deliveries()).isEmpty();
        assertThat(out.sends()).isEmpty();
    }

    @Test
    void aForgedMessageIsRejectedAndDoesNotKeepTheGenuineOneOut() {
        router(GossipsubConfig.defaults());
        List<PeerId> peers = peers(1, 3, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.subscribe("t", now);
        router.drain();
        Message genuine = signed(5, "t", 1, 10);
        Message forged = new Message("t", new byte[] {6, 6, 6}, genuine.from(), genuine.seqno(), genuine.signature(),
                null);

        router.handleRpc(peers.get(0), Rpc.ofMessages(List.of(forged)), now);
        GossipsubRouter.Output out = router.drain();
        assertThat(out.deliveries()).isEmpty();
        assertThat(sentMessageTo(out)).isEmpty();
        assertThat(out.events()).singleElement().isEqualTo(new GossipsubRouter.Rejected(peers.get(0),
                MessageIdFunction.FROM_AND_SEQNO.apply(forged), forged, Rejection.INVALID_SIGNATURE));

        router.handleRpc(peers.get(1), Rpc.ofMessages(List.of(genuine)), now);
        assertThat(router.drain().deliveries()).hasSize(1);
    }

    @Test
    void ourOwnMessageComingBackIsRejected() {
        router(GossipsubConfig.defaults());
        List<PeerId> peers = peers(1, 1, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.subscribe("t", now);
        router.drain();
        Message mine = MessageSigning.sign("t", new byte[] {1}, 1, PubsubFixtures.key(1000));
        router.handleRpc(peers.get(0), Rpc.ofMessages(List.of(mine)), now);
        assertThat(router.drain().events()).singleElement().satisfies(e ->
                assertThat(((GossipsubRouter.Rejected) e).reason()).isEqualTo(Rejection.SELF_ORIGIN));
    }

    @Test
    void floodPublishSendsToEveryPeerInTheTopicWithEnoughScore() {
        router(GossipsubConfig.defaults());
        List<PeerId> members = peers(1, 15, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        peers(30, 2, PubsubProtocol.GOSSIPSUB_V11, true, "other");
        score.scores.put(members.get(0), -1.0);
        router.publish("t", new byte[] {1}, now);
        GossipsubRouter.Output out = router.drain();
        assertThat(sentMessageTo(out)).isEqualTo(Set.copyOf(members.subList(1, 15)));
        assertThat(out.deliveries()).as("not delivered to ourselves").isEmpty();
        assertThat(router.fanoutPeers("t")).isEmpty();
    }

    @Test
    void withoutFloodPublishAnUnsubscribedTopicGetsAFanoutThatExpires() {
        router(GossipsubConfig.defaults().withFloodPublish(false));
        List<PeerId> members = peers(1, 10, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        List<PeerId> flood = peers(20, 1, PubsubProtocol.FLOODSUB, true, "t");
        router.publish("t", new byte[] {1}, now);
        GossipsubRouter.Output out = router.drain();
        assertThat(router.fanoutPeers("t")).hasSize(6).isSubsetOf(members);
        Set<PeerId> expected = new java.util.HashSet<>(router.fanoutPeers("t"));
        expected.addAll(flood);
        assertThat(sentMessageTo(out)).isEqualTo(expected);

        heartbeat(59 * SECOND);
        assertThat(router.fanoutPeers("t")).hasSize(6);
        heartbeat(2 * SECOND);
        assertThat(router.fanoutPeers("t")).isEmpty();
    }

    @Test
    void graftsBeyondDHiAreRefusedFromInboundPeersAndTheHeartbeatPrunesBackToDKeepingDOutOutbound() {
        router(GossipsubConfig.defaults());
        List<PeerId> inbound = peers(1, 20, PubsubProtocol.GOSSIPSUB_V11, false, "t");
        router.subscribe("t", now);
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).hasSize(6);
        assertThat(sent(router.drain(), r -> r.graft().contains("t"))).isEqualTo(router.meshPeers("t"));
        List<PeerId> outbound = peers(30, 2, PubsubProtocol.GOSSIPSUB_V11, true, "t");

        // Everyone grafts us: inbound peers beyond D_hi are refused, outbound ones accepted.
        for (PeerId peer : inbound) {
            router.handleRpc(peer, control(List.of(), List.of(), List.of("t"), List.of(), List.of()), now);
        }
        assertThat(router.meshPeers("t")).hasSize(12);
        Set<PeerId> refused = new java.util.HashSet<>(inbound);
        refused.removeAll(router.meshPeers("t"));
        assertThat(sent(router.drain(), r -> !r.prune().isEmpty())).isEqualTo(refused);
        for (PeerId peer : outbound) {
            router.handleRpc(peer, control(List.of(), List.of(), List.of("t"), List.of(), List.of()), now);
        }
        assertThat(router.meshPeers("t")).containsAll(outbound);
        int before = router.meshPeers("t").size();
        router.drain();

        heartbeat(SECOND);
        Set<PeerId> mesh = router.meshPeers("t");
        assertThat(mesh).hasSize(6);
        assertThat(mesh.stream().filter(outbound::contains).count()).isEqualTo(2);
        Set<PeerId> pruned = sent(router.drain(), r -> r.prune().stream().anyMatch(p -> p.topic().equals("t")));
        assertThat(pruned).hasSize(before - 6).doesNotContainAnyElementsOf(mesh);
    }

    @Test
    void theHeartbeatGraftsOutboundPeersWhenTheQuotaIsShort() {
        router(GossipsubConfig.defaults());
        peers(1, 6, PubsubProtocol.GOSSIPSUB_V11, false, "t");
        router.subscribe("t", now);
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).hasSize(6);
        List<PeerId> outbound = peers(30, 3, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).hasSize(8);
        assertThat(router.meshPeers("t").stream().filter(outbound::contains).count()).isEqualTo(2);
    }

    @Test
    void negativeScoresArePrunedAndNeverGrafted() {
        router(GossipsubConfig.defaults());
        List<PeerId> members = peers(1, 6, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.subscribe("t", now);
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).hasSize(6);
        router.drain();
        score.scores.put(members.get(0), -5.0);
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).hasSize(5).doesNotContain(members.get(0));
        assertThat(sent(router.drain(), r -> !r.prune().isEmpty())).containsExactly(members.get(0));
        router.handleRpc(members.get(0), control(List.of(), List.of(), List.of("t"), List.of(), List.of()), now);
        assertThat(router.meshPeers("t")).doesNotContain(members.get(0));
    }

    @Test
    void graftsAreIgnoredForTopicsWeLeftAndRefusedInBackoffWithAPenalty() {
        router(GossipsubConfig.defaults());
        List<PeerId> peers = peers(1, 2, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.handleRpc(peers.get(0), control(List.of(), List.of(), List.of("t"), List.of(), List.of()), now);
        assertThat(router.drain().sends()).as("not subscribed: no PRUNE either").isEmpty();

        router.subscribe("t", now);
        router.unsubscribe("t", now);
        GossipsubRouter.Output out = router.drain();
        assertThat(sent(out, r -> r.prune().equals(List.of(new Rpc.Prune("t", List.of(), 10))))).hasSize(2);
        router.subscribe("t", now);
        assertThat(router.meshPeers("t")).as("both backed off by our unsubscribe").isEmpty();
        router.drain();
        now += SECOND;
        router.handleRpc(peers.get(0), control(List.of(), List.of(), List.of("t"), List.of(), List.of()), now);
        assertThat(router.meshPeers("t")).isEmpty();
        assertThat(sent(router.drain(), r -> !r.prune().isEmpty())).containsExactly(peers.get(0));
        assertThat(score.penalties).isEqualTo(Map.of(peers.get(0), 1));

        // After a prune with the full backoff, a GRAFT within GraftFloodThreshold costs a second penalty.
        heartbeat(10 * SECOND);
        assertThat(router.meshPeers("t")).as("the refused GRAFT extended peer 0's backoff to a minute")
                .containsExactly(peers.get(1));
        score.scores.put(peers.get(1), -1.0);
        heartbeat(SECOND);
        score.scores.remove(peers.get(1));
        router.handleRpc(peers.get(1), control(List.of(), List.of(), List.of("t"), List.of(), List.of()), now);
        assertThat(router.meshPeers("t")).doesNotContain(peers.get(1));
        assertThat(score.penalties).isEqualTo(Map.of(peers.get(0), 1, peers.get(1), 2));
    }

    @Test
    void aPruneBacksOffTheGraftAndOffersPeerExchange() {
        router(GossipsubConfig.defaults());
        router.subscribe("t", now);
        List<PeerId> peers = peers(1, 5, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).hasSize(5);
        PeerId pruner = peers.get(0);
        Rpc.PeerExchange px = new Rpc.PeerExchange(PubsubFixtures.peer(99).bytes(), new byte[] {1});
        router.handleRpc(pruner, control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune("t", List.of(px), 30)),
                List.of()), now);
        GossipsubRouter.Output out = router.drain();
        assertThat(router.meshPeers("t")).doesNotContain(pruner);
        assertThat(out.events()).singleElement().isInstanceOfSatisfying(GossipsubRouter.PeerExchangeOffered.class,
                e -> assertThat(e.peers()).containsExactly(px));
        heartbeat(29 * SECOND);
        assertThat(router.meshPeers("t")).as("backed off 30 s plus a heartbeat").doesNotContain(pruner);
        heartbeat(2 * SECOND);
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).contains(pruner);
    }

    @Test
    void peerExchangeIsIgnoredFromPeersBelowTheThreshold() {
        router(GossipsubConfig.defaults().withScoreThresholds(0, 0, 0, 10, 0));
        router.subscribe("t", now);
        List<PeerId> peers = peers(1, 1, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        heartbeat(SECOND);
        Rpc.PeerExchange px = new Rpc.PeerExchange(PubsubFixtures.peer(99).bytes(), null);
        router.handleRpc(peers.get(0), control(List.of(), List.of(), List.of(),
                List.of(new Rpc.Prune("t", List.of(px), -1)), List.of()), now);
        assertThat(router.drain().events()).isEmpty();
    }

    @Test
    void prunesOnOversubscriptionOfferPeersWhenPeerExchangeIsOn() {
        router(GossipsubConfig.defaults().withPeerExchange(true, 16));
        router.subscribe("t", now);
        List<PeerId> peers = peers(1, 13, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        for (PeerId peer : peers) {
            router.handleRpc(peer, control(List.of(), List.of(), List.of("t"), List.of(), List.of()), now);
        }
        router.drain();
        heartbeat(SECOND);
        List<Rpc.Prune> prunes = router.drain().sends().stream().flatMap(s -> s.rpc().prune().stream()).toList();
        assertThat(prunes).hasSize(7).allSatisfy(p -> {
            assertThat(p.backoffSeconds()).isEqualTo(60);
            assertThat(p.peers()).hasSize(12);
        });
    }

    @Test
    void ihaveIsAnsweredWithIWantForUnseenIdsWithinTheLimitsAndBrokenPromisesArePenalised() {
        router(GossipsubConfig.defaults().withGossipLimits(3, 2, 3));
        router.subscribe("t", now);
        List<PeerId> peers = peers(1, 2, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.drain();
        Message seen = signed(5, "t", 1, 1);
        router.handleRpc(peers.get(1), Rpc.ofMessages(List.of(seen)), now);
        router.drain();
        MessageId seenId = MessageIdFunction.FROM_AND_SEQNO.apply(seen);
        List<MessageId> ids = IntStream.range(0, 5).mapToObj(i -> MessageId.of(new byte[] {(byte) i})).toList();

        List<MessageId> advertised = new ArrayList<>(ids.subList(0, 2));
        advertised.add(seenId);
        router.handleRpc(peers.get(0), control(List.of(new Rpc.IHave("t", advertised),
                new Rpc.IHave("unsubscribed", List.of(ids.get(4)))), List.of(), List.of(), List.of(), List.of()), now);
        List<MessageId> asked = router.drain().sends().get(0).rpc().iwant();
        assertThat(asked).containsExactlyInAnyOrder(ids.get(0), ids.get(1));

        router.handleRpc(peers.get(0), control(List.of(new Rpc.IHave("t", ids.subList(2, 4))), List.of(), List.of(),
                List.of(), List.of()), now);
        assertThat(router.drain().sends().get(0).rpc().iwant()).as("3 ids per heartbeat").hasSize(1);
        router.handleRpc(peers.get(0), control(List.of(new Rpc.IHave("t", ids.subList(4, 5))), List.of(), List.of(),
                List.of(), List.of()), now);
        assertThat(router.drain().sends()).as("2 IHAVEs per heartbeat").isEmpty();

        heartbeat(2 * SECOND);
        assertThat(score.penalties).isEmpty();
        heartbeat(SECOND);
        assertThat(score.penalties).isEqualTo(Map.of(peers.get(0), 2));
    }

    @Test
    void iwantIsServedFromTheCacheUpToTheRetransmissionLimit() {
        router(GossipsubConfig.defaults().withGossipLimits(5000, 10, 2));
        List<PeerId> peers = peers(1, 1, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        MessageId id = router.publish("t", new byte[] {1}, now);
        router.drain();
        for (int i = 0; i < 2; i++) {
            router.handleRpc(peers.get(0), control(List.of(), List.of(id), List.of(), List.of(), List.of()), now);
            assertThat(router.drain().sends()).singleElement().satisfies(s ->
                    assertThat(s.rpc().messages()).hasSize(1));
        }
        router.handleRpc(peers.get(0), control(List.of(), List.of(id), List.of(), List.of(), List.of()), now);
        assertThat(router.drain().sends()).isEmpty();
    }

    @Test
    void gossipGoesToAtLeastDLazyPeersOutsideTheMesh() {
        router(GossipsubConfig.defaults());
        router.subscribe("t", now);
        peers(1, 20, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        peers(30, 1, PubsubProtocol.FLOODSUB, true, "t");
        heartbeat(SECOND);
        MessageId id = router.publish("t", new byte[] {1}, now);
        router.drain();
        heartbeat(SECOND);
        Set<PeerId> gossiped = sent(router.drain(),
                r -> r.ihave().equals(List.of(new Rpc.IHave("t", List.of(id)))));
        assertThat(gossiped).hasSize(6).doesNotContainAnyElementsOf(router.meshPeers("t"))
                .doesNotContain(PubsubFixtures.peer(30));
        // Gossiped for mcache_gossip = 3 heartbeats, then no more.
        heartbeat(SECOND);
        heartbeat(SECOND);
        assertThat(sent(router.drain(), r -> !r.ihave().isEmpty())).isNotEmpty();
        heartbeat(SECOND);
        assertThat(sent(router.drain(), r -> !r.ihave().isEmpty())).isEmpty();
    }

    @Test
    void largeMessagesBringIDontWantAndPeersThatSentItAreSkipped() {
        router(GossipsubConfig.defaults());
        List<PeerId> v12 = peers(1, 3, PubsubProtocol.GOSSIPSUB_V12, true, "t");
        List<PeerId> v11 = peers(10, 3, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.subscribe("t", now);
        heartbeat(SECOND);
        router.drain();
        Message big = signed(50, "t", 1, 1024);
        MessageId id = MessageIdFunction.FROM_AND_SEQNO.apply(big);
        router.handleRpc(v12.get(1), control(List.of(), List.of(), List.of(), List.of(), List.of(id)), now);
        router.handleRpc(v12.get(0), Rpc.ofMessages(List.of(big)), now);
        GossipsubRouter.Output out = router.drain();
        assertThat(sent(out, r -> r.idontwant().equals(List.of(id)))).containsExactly(v12.get(1), v12.get(2));
        assertThat(sentMessageTo(out)).containsExactlyInAnyOrder(v12.get(2), v11.get(0), v11.get(1), v11.get(2));

        Message small = signed(50, "t", 2, 1023);
        router.handleRpc(v12.get(0), Rpc.ofMessages(List.of(small)), now);
        assertThat(sent(router.drain(), r -> !r.idontwant().isEmpty())).isEmpty();
    }

    @Test
    void directPeersGetEveryMessageAndAreNeverGrafted() {
        PeerId direct = PubsubFixtures.peer(1);
        router(GossipsubConfig.defaults().withDirectPeers(Set.of(direct)).withFloodPublish(false));
        peers(1, 1, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        List<PeerId> others = peers(2, 6, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.subscribe("t", now);
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).doesNotContain(direct).hasSize(6);
        router.drain();
        router.handleRpc(direct, control(List.of(), List.of(), List.of("t"), List.of(), List.of()), now);
        assertThat(router.meshPeers("t")).doesNotContain(direct);
        assertThat(sent(router.drain(), r -> !r.prune().isEmpty())).containsExactly(direct);

        router.publish("t", new byte[] {1}, now);
        assertThat(sentMessageTo(router.drain())).contains(direct).containsAll(others);
        router.handleRpc(others.get(0), Rpc.ofMessages(List.of(signed(60, "t", 1, 1))), now);
        assertThat(sentMessageTo(router.drain())).contains(direct);
    }

    @Test
    void strictNoSignPublishesBareMessagesAndRejectsSignedOnes() {
        MessageIdFunction byData = m -> MessageId.of(m.data());
        router(GossipsubConfig.defaults().withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
                .withMessageIdFunction(byData));
        router.subscribe("t", now);
        List<PeerId> peers = peers(1, 1, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        router.publish("t", new byte[] {1}, now);
        Message sent = router.drain().sends().stream().flatMap(s -> s.rpc().messages().stream()).findFirst()
                .orElseThrow();
        assertThat(sent).isEqualTo(new Message("t", new byte[] {1}, null, null, null, null));
        assertThatThrownBy(() -> router.publish("t", new byte[] {1}, now)).isInstanceOf(IllegalStateException.class);

        router.handleRpc(peers.get(0), Rpc.ofMessages(List.of(signed(5, "t", 1, 1))), now);
        assertThat(router.drain().events()).singleElement().satisfies(e ->
                assertThat(((GossipsubRouter.Rejected) e).reason()).isEqualTo(Rejection.UNEXPECTED_SIGNATURE_FIELDS));
    }

    @Test
    void publishRefusesPayloadsOverTheLimit() {
        router(GossipsubConfig.defaults().withMaxSizes(2048, 1024));
        assertThatThrownBy(() -> router.publish("t", new byte[1025], now))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.limit()).isEqualTo(1024));
    }

    @Test
    void manyMessagesForOnePeerAreSplitIntoRpcsWithinTheLimit() {
        router(GossipsubConfig.defaults().withMaxSizes(4096, 1500));
        peers(1, 1, PubsubProtocol.FLOODSUB, true, "t");
        for (int i = 0; i < 5; i++) {
            router.publish("t", new byte[1400], now);
        }
        List<GossipsubRouter.Send> published = router.drain().sends();
        assertThat(published).hasSize(3).allSatisfy(s ->
                assertThat(PubsubCodec.encode(s.rpc()).length).isLessThanOrEqualTo(4096));
        assertThat(published.stream().mapToInt(s -> s.rpc().messages().size()).sum()).isEqualTo(5);
    }

    @Test
    void peersAndTheirTopicsAreBounded() {
        router(GossipsubConfig.defaults().withPeerLimits(3, 2, 3));
        for (int i = 1; i <= 3; i++) {
            assertThat(router.addPeer(PubsubFixtures.peer(i), PubsubProtocol.GOSSIPSUB_V11, true)).isTrue();
        }
        assertThat(router.addPeer(PubsubFixtures.peer(4), PubsubProtocol.GOSSIPSUB_V11, true)).isFalse();
        router.handleRpc(PubsubFixtures.peer(4), Rpc.ofMessages(List.of()), now);
        router.handleRpc(PubsubFixtures.peer(1), new Rpc(List.of(new Rpc.Subscription(true, "a"),
                new Rpc.Subscription(true, "b"), new Rpc.Subscription(true, "c")), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of()), now);
        assertThat(router.topicPeers("c")).as("2 topics per peer").isEmpty();
        router.handleRpc(PubsubFixtures.peer(2), new Rpc(List.of(new Rpc.Subscription(true, "d"),
                new Rpc.Subscription(true, "e")), List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                now);
        assertThat(router.topicPeers("d")).hasSize(1);
        assertThat(router.topicPeers("e")).as("3 topics in all").isEmpty();
        router.subscribe("e", now);
        router.handleRpc(PubsubFixtures.peer(3), new Rpc(List.of(new Rpc.Subscription(true, "e")), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of()), now);
        assertThat(router.topicPeers("e")).as("our own topics always count").hasSize(1);
    }

    @Test
    void aRemovedPeerLeavesItsTopicsAndMeshes() {
        router(GossipsubConfig.defaults());
        router.subscribe("t", now);
        List<PeerId> peers = peers(1, 3, PubsubProtocol.GOSSIPSUB_V11, true, "t");
        heartbeat(SECOND);
        assertThat(router.meshPeers("t")).hasSize(3);
        router.removePeer(peers.get(0), now);
        assertThat(router.meshPeers("t")).hasSize(2);
        assertThat(router.topicPeers("t")).hasSize(2);
        router.handleRpc(peers.get(0), Rpc.ofMessages(List.of(signed(5, "t", 1, 1))), now);
        assertThat(router.drain().deliveries()).isEmpty();
    }
}
