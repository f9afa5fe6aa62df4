package io.peerflux.kad;

import static io.peerflux.kad.KadFixtures.SECOND;
import static io.peerflux.kad.KadFixtures.T0;
import static io.peerflux.kad.KadFixtures.bytes;
import static io.peerflux.kad.KadFixtures.idOf;
import static io.peerflux.kad.KadFixtures.recordKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.LimitExceededException;
import io.peerflux.kad.KadFixtures.FakeNetwork;
import io.peerflux.kad.KadFixtures.FakeNetwork.Sent;
import io.peerflux.kad.KadMessage.Type;
import io.peerflux.kad.KadNode.Kind;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class KadNodeTest {

    static final int K = 3;
    static final int ALPHA = 2;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;

    final Random random = new Random(21);
    final PeerId me = KadFixtures.peer(random);
    final FakeNetwork net = new FakeNetwork();
    final List<QueryEvent> events = new ArrayList<>();
    /** Requests the test answered or failed. */
    final Set<Long> done = new HashSet<>();
    /** Thirty peers, all with addresses: the network the oracle answers from. */
    final List<PeerId> world = KadFixtures.peers(random, 30);
    /** Values held by world peers, for GET_VALUE answers. */
    final Map<PeerId, byte[]> values = new HashMap<>();
    long now = T0;
    KadNode node = node(KadFixtures.config(K, ALPHA));

    KadNodeTest() {
        world.forEach(net::know);
    }

    KadNode node(KademliaConfig config) {
        return new KadNode(me, config, net, new Random(1), T0);
    }

    // ---- driving the node ----

    void respond(Sent s, KadMessage response) {
        done.add(s.id());
        node.responded(s.id(), response, now);
    }

    void fail(Sent s) {
        done.add(s.id());
        node.requestFailed(s.id(), "boom", now);
    }

    List<Sent> open() {
        return net.open(done);
    }

    static KadMessage reply(KadMessage request, List<PeerInfo> closer) {
        return new KadMessage(request.type(), request.key(), null, closer, List.of());
    }

    List<PeerInfo> withAddresses(List<PeerId> peers) {
        return peers.stream().map(p -> new PeerInfo(p, net.addresses(p))).toList();
    }

    /** The k peers of the world closest to {@code key}'s point, but {@code asked} itself. */
    List<PeerId> trueClosest(byte[] key, PeerId except, int n) {
        return KadFixtures.byDistance(KadId.of(key), world).stream().filter(p -> !p.equals(except)).limit(n).toList();
    }

    /** A world peer's answer: the k closest it knows (it knows everyone), the value it holds, echoes for stores. */
    KadMessage oracle(Sent s) {
        KadMessage request = s.message();
        return switch (request.type()) {
            case ADD_PROVIDER -> null;
            case PUT_VALUE, PING -> request;
            default -> {
                byte[] value = values.get(s.peer().peerId());
                KadMessage.Record record = value == null || request.type() != Type.GET_VALUE ? null
                        : new KadMessage.Record(request.key(), value, "");
                yield new KadMessage(request.type(), request.key(), record,
                        withAddresses(trueClosest(request.key(), s.peer().peerId(), K)), List.of());
            }
        };
    }

    /** Answers every open request, oldest first, until none is left; checks alpha on the way. */
    void run(Function<Sent, KadMessage> answer) {
        for (List<Sent> open = open(); !open.isEmpty(); open = open()) {
            Map<String, Integer> lookupsByKey = new HashMap<>();
            for (Sent s : open) {
                if (s.message().type() != Type.PUT_VALUE && s.message().type() != Type.ADD_PROVIDER) {
                    lookupsByKey.merge(java.util.HexFormat.of().formatHex(s.message().key()), 1, Integer::sum);
                }
            }
            assertThat(lookupsByKey.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(ALPHA));
            respond(open.get(0), answer.apply(open.get(0)));
        }
    }

    /** Brings {@code peer} into the routing table: identify says it serves the DHT, then it answers the probe. */
    void admit(PeerId peer) {
        if (node.routingTable().contains(peer)) {
            return;
        }
        if (!net.addresses.containsKey(peer)) {
            net.know(peer);
        }
        node.peerIdentified(peer, true, null, now);
        Sent probe = net.last();
        assertThat(probe.peer().peerId()).isEqualTo(peer);
        respond(probe, reply(probe.message(), List.of()));
        assertThat(node.routingTable().contains(peer)).isTrue();
    }

    long start(Kind kind, byte[] key, byte[] value, int limit) {
        return node.start(kind, key, value, limit, events::add, now);
    }

    <T extends QueryEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    QueryEvent.Finished finished() {
        assertThat(events).last().isInstanceOf(QueryEvent.Finished.class);
        assertThat(events(QueryEvent.Finished.class)).hasSize(1);
        return (QueryEvent.Finished) events.get(events.size() - 1);
    }

    KadMessage putValue(byte[] key, String value) {
        return new KadMessage(Type.PUT_VALUE, key, new KadMessage.Record(key, bytes(value), ""), List.of(), List.of());
    }

    KadMessage addProvider(byte[] key, PeerInfo provider) {
        return new KadMessage(Type.ADD_PROVIDER, key, null, List.of(), List.of(provider));
    }

    // ---- serving ----

    @Test
    void findNodeAnswersTheKClosestWithAddressesButNotTheRequester() throws Exception {
        world.subList(0, 8).forEach(this::admit);
        PeerId requester = world.get(0);
        PeerId addressless = world.get(1);
        net.addresses.remove(addressless);
        byte[] key = bytes("some key");
        List<PeerId> expected = KadFixtures.byDistance(KadId.of(key), world.subList(2, 8)).subList(0, K);
        KadMessage answer = node.handle(requester, KadMessage.request(Type.FIND_NODE, key), now);
        assertThat(answer.type()).isEqualTo(Type.FIND_NODE);
        assertThat(answer.key()).isEqualTo(key);
        assertThat(answer.closerPeers()).containsExactlyElementsOf(withAddresses(expected));
    }

    @Test
    void findNodeDoesNotParseTheKeyOfAPeerNeverIdentified() throws Exception {
        world.subList(0, 8).forEach(this::admit);
        PeerId stranger = world.get(21); // addresses known, but identify never told us of it
        KadMessage answer = node.handle(world.get(0), KadMessage.request(Type.FIND_NODE, stranger.bytes()), now);
        assertThat(answer.closerPeers()).extracting(PeerInfo::peerId).doesNotContain(stranger);
    }

    @Test
    void findNodeForAPeerWeKnowPutsItFirst() throws Exception {
        world.subList(0, 8).forEach(this::admit);
        PeerId target = world.get(20); // not in the table: a connected client identify told us of, with addresses
        node.peerIdentified(target, false, null, now);
        KadMessage answer = node.handle(world.get(0), KadMessage.request(Type.FIND_NODE, target.bytes()), now);
        assertThat(answer.closerPeers()).hasSize(K).first().isEqualTo(new PeerInfo(target, net.addresses(target)));
        // Asked by the target itself, it is not handed back.
        answer = node.handle(target, KadMessage.request(Type.FIND_NODE, target.bytes()), now);
        assertThat(answer.closerPeers()).extracting(PeerInfo::peerId).doesNotContain(target).hasSize(K);
    }

    @Test
    void addProviderStoresTheSenderOnlyAndGetProvidersHandsItOut() throws Exception {
        world.subList(0, 5).forEach(this::admit);
        byte[] key = KadFixtures.providerKey("content");
        PeerId sender = world.get(10);
        PeerInfo other = new PeerInfo(world.get(11), net.addresses(world.get(11)));
        assertThat(node.handle(sender, addProvider(key, other), now)).isNull();
        assertThat(node.providerStore().size()).isZero();
        assertThat(net.learned).isEmpty();

        PeerInfo self = new PeerInfo(sender, List.of(KadFixtures.tcp("8.8.8.8", 4001)));
        assertThat(node.handle(sender, addProvider(key, self), now)).isNull();
        assertThat(node.providerStore().size()).isEqualTo(1);
        assertThat(net.learned).containsExactly(new FakeNetwork.Learned(self, Duration.ofMinutes(30).toNanos()));

        KadMessage answer = node.handle(world.get(12), KadMessage.request(Type.GET_PROVIDERS, key), now);
        assertThat(answer.providerPeers()).containsExactly(new PeerInfo(sender, net.addresses(sender)));
        assertThat(answer.closerPeers()).hasSize(K);
    }

    @Test
    void addProviderForAKeyThatIsNotAMultihashIsRefused() {
        PeerId sender = world.get(0);
        assertThatThrownBy(() -> node.handle(sender, addProvider(bytes("/t/x"), new PeerInfo(sender, List.of())), now))
                .isInstanceOf(KadRequestException.class);
        assertThat(node.providerStore().size()).isZero();
    }

    @Test
    void putValueStoresAValidNewerRecordAndGetValueReturnsIt() throws Exception {
        byte[] key = recordKey("x");
        PeerId from = world.get(0);
        assertThat(node.handle(from, KadMessage.request(Type.GET_VALUE, key), now).record()).isNull();
        KadMessage put = putValue(key, "v5");
        assertThat(node.handle(from, put, now)).isSameAs(put);
        KadMessage.Record got = node.handle(from, KadMessage.request(Type.GET_VALUE, key), now + SECOND).record();
        assertThat(got.value()).isEqualTo(bytes("v5"));
        assertThat(got.key()).isEqualTo(key);
        assertThat(got.timeReceived()).isEqualTo("2024-01-01T00:00:00Z");

        now += SECOND;
        assertThatThrownBy(() -> node.handle(from, putValue(key, "v3"), now))
                .isInstanceOf(KadRequestException.class).hasMessageContaining("older");
        node.handle(from, putValue(key, "v6"), now);
        assertThat(node.recordStore().get(key, now).value()).isEqualTo(bytes("v6"));
    }

    @Test
    void putValueOfAnInvalidRecordIsRefusedAndNothingStored() {
        byte[] key = recordKey("x");
        PeerId from = world.get(0);
        assertThatThrownBy(() -> node.handle(from, putValue(key, "not a version"), now))
                .isInstanceOf(KadRequestException.class);
        assertThatThrownBy(() -> node.handle(from, putValue(bytes("/nobody/x"), "v1"), now))
                .isInstanceOf(KadRequestException.class);
        assertThatThrownBy(() -> node.handle(from, KadMessage.request(Type.PUT_VALUE, key), now))
                .isInstanceOf(KadRequestException.class);
        KadMessage otherKey = new KadMessage(Type.PUT_VALUE, key,
                new KadMessage.Record(recordKey("y"), bytes("v1"), ""), List.of(), List.of());
        assertThatThrownBy(() -> node.handle(from, otherKey, now)).isInstanceOf(KadRequestException.class);
        assertThat(node.recordStore().size()).isZero();
    }

    @Test
    void pingIsEchoed() throws Exception {
        KadMessage ping = KadMessage.request(Type.PING, new byte[0]);
        assertThat(node.handle(world.get(0), ping, now)).isEqualTo(ping);
    }

    // ---- admission ----

    @Test
    void identifyAloneSendsAProbeAndItsAnswerAdmits() {
        PeerId p = world.get(0);
        node.peerIdentified(p, true, null, now);
        assertThat(node.routingTable().contains(p)).isFalse();
        Sent probe = net.last();
        assertThat(probe.peer().peerId()).isEqualTo(p);
        assertThat(probe.message().type()).isEqualTo(Type.FIND_NODE);
        assertThat(probe.message().key()).isEqualTo(me.bytes());
        respond(probe, reply(probe.message(), List.of()));
        assertThat(node.routingTable().contains(p)).isTrue();
    }

    @Test
    void anAnswerBeforeIdentifyAdmitsWithoutAProbe() {
        admit(world.get(0));
        start(Kind.CLOSEST, bytes("k"), null, 0);
        PeerId later = world.get(1);
        Sent first = open().get(0);
        respond(first, reply(first.message(), withAddresses(List.of(later))));
        Sent toLater = open().stream().filter(s -> s.peer().peerId().equals(later)).findFirst().orElseThrow();
        respond(toLater, reply(toLater.message(), List.of()));
        assertThat(node.routingTable().contains(later)).as("answered, but not known to serve the DHT").isFalse();
        int sent = net.sent.size();
        node.peerIdentified(later, true, null, now);
        assertThat(node.routingTable().contains(later)).isTrue();
        assertThat(net.sent).hasSize(sent);
    }

    @Test
    void aPeerThatStopsServingLeavesTheTable() {
        admit(world.get(0));
        node.peerIdentified(world.get(0), false, null, now);
        assertThat(node.routingTable().contains(world.get(0))).isFalse();
        // Nor is it a seed for lookups any more.
        start(Kind.CLOSEST, bytes("k"), null, 0);
        assertThat(open()).isEmpty();
    }

    @Test
    void aFullBucketProbesItsOldestPeerWhichStaysIfItAnswers() {
        List<PeerId> bucket0 = peersInBucket0(K + 2);
        bucket0.subList(0, K).forEach(this::admit);
        net.know(bucket0.get(K));
        node.peerIdentified(bucket0.get(K), true, null, now);
        respond(net.last(), reply(net.last().message(), List.of())); // the candidate answers its probe
        Sent check = net.last();
        assertThat(check.peer().peerId()).isEqualTo(bucket0.get(0));
        respond(check, reply(check.message(), List.of()));
        assertThat(node.routingTable().contains(bucket0.get(0))).isTrue();
        assertThat(node.routingTable().contains(bucket0.get(K))).isFalse();
        // The next candidate checks the new oldest; that one fails and is replaced.
        net.know(bucket0.get(K + 1));
        node.peerIdentified(bucket0.get(K + 1), true, null, now);
        respond(net.last(), reply(net.last().message(), List.of()));
        assertThat(net.last().peer().peerId()).isEqualTo(bucket0.get(1));
        fail(net.last());
        assertThat(node.routingTable().contains(bucket0.get(1))).isFalse();
        assertThat(node.routingTable().contains(bucket0.get(K + 1))).isTrue();
        assertThat(node.routingTable().size()).isEqualTo(K);
    }

    @Test
    void aCandidateThatStopsServingIsNotAdmittedWhenTheOldestDies() {
        List<PeerId> bucket0 = peersInBucket0(K + 1);
        bucket0.subList(0, K).forEach(this::admit);
        PeerId candidate = bucket0.get(K);
        net.know(candidate);
        node.peerIdentified(candidate, true, null, now);
        respond(net.last(), reply(net.last().message(), List.of()));
        Sent check = net.last();
        assertThat(check.peer().peerId()).isEqualTo(bucket0.get(0));
        node.peerIdentified(candidate, false, null, now);
        fail(check);
        assertThat(node.routingTable().contains(bucket0.get(0))).isFalse();
        assertThat(node.routingTable().contains(candidate)).as("only DHT servers enter the table").isFalse();
    }

    List<PeerId> peersInBucket0(int n) {
        List<PeerId> out = new ArrayList<>();
        while (out.size() < n) {
            PeerId p = KadFixtures.peer(random);
            if (idOf(me).commonPrefixLength(idOf(p)) == 0) {
                out.add(p);
            }
        }
        return out;
    }

    // ---- queries ----

    @Test
    void closestEndsOnTheTrueKClosest() {
        world.subList(0, 6).forEach(this::admit);
        byte[] key = bytes("target");
        start(Kind.CLOSEST, key, null, 0);
        assertThat(events).first().isInstanceOf(QueryEvent.RequestSent.class);
        run(this::oracle);
        assertThat(events(QueryEvent.FinalPeer.class)).extracting(e -> e.peer().peerId())
                .containsExactlyElementsOf(trueClosest(key, null, K));
        QueryEvent.Finished finished = finished();
        assertThat(finished.outcome()).isEqualTo(QueryEvent.Outcome.COMPLETED);
        assertThat(finished.peersAsked()).isEqualTo(events(QueryEvent.RequestSent.class).size());
        assertThat(events(QueryEvent.PeerResponse.class)).hasSize(finished.peersAsked());
        assertThat(node.queries()).isZero();
    }

    @Test
    void findPeerStopsWhenAnAnswerNamesTheTarget() {
        PeerId target = KadFixtures.peer(random); // outside the world: only its neighbours know it
        world.subList(0, 4).forEach(this::admit);
        start(Kind.FIND_PEER, target.bytes(), null, 0);
        PeerInfo found = new PeerInfo(target, List.of(KadFixtures.tcp("9.9.9.9", 1)));
        Sent first = open().get(0);
        respond(first, reply(first.message(), List.of(new PeerInfo(target, List.of())))); // no addresses: not yet
        assertThat(node.queries()).isEqualTo(1);
        Sent second = open().get(0);
        respond(second, reply(second.message(), List.of(found)));
        assertThat(events(QueryEvent.FinalPeer.class)).containsExactly(new QueryEvent.FinalPeer(found));
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.FOUND);
        assertThat(open()).isEmpty();
    }

    @Test
    void findPeerOfAPeerWeHaveAddressesForEndsAtOnce() {
        admit(world.get(0));
        int sent = net.sent.size();
        start(Kind.FIND_PEER, world.get(5).bytes(), null, 0);
        assertThat(events).containsExactly(
                new QueryEvent.FinalPeer(new PeerInfo(world.get(5), net.addresses(world.get(5)))),
                new QueryEvent.Finished(QueryEvent.Outcome.FOUND, 0));
        assertThat(net.sent).hasSize(sent);
    }

    @Test
    void providersComeOnceEachLocalFirstAndStopAtTheLimit() throws Exception {
        world.subList(0, 6).forEach(this::admit);
        byte[] key = KadFixtures.providerKey("file");
        PeerId local = world.get(10);
        node.handle(local, addProvider(key, new PeerInfo(local, List.of())), now);
        start(Kind.PROVIDERS, key, null, 3);
        assertThat(events.get(0)).isEqualTo(
                new QueryEvent.ProviderFound(new PeerInfo(local, net.addresses(local)), null));
        Sent first = open().get(0);
        assertThat(first.message().type()).isEqualTo(Type.GET_PROVIDERS);
        PeerInfo a = new PeerInfo(world.get(11), List.of(KadFixtures.tcp("8.8.8.11", 1)));
        respond(first, new KadMessage(Type.GET_PROVIDERS, key, null, List.of(),
                List.of(a, new PeerInfo(local, List.of()))));
        assertThat(node.queries()).isEqualTo(1);
        Sent second = open().get(0);
        PeerInfo b = new PeerInfo(world.get(12), List.of(KadFixtures.tcp("8.8.8.12", 1)));
        respond(second, new KadMessage(Type.GET_PROVIDERS, key, null, List.of(), List.of(a, b, world(13))));
        assertThat(events(QueryEvent.ProviderFound.class)).extracting(QueryEvent.ProviderFound::provider)
                .extracting(PeerInfo::peerId).containsExactly(local, a.peerId(), b.peerId());
        assertThat(events(QueryEvent.ProviderFound.class).get(1).from()).isEqualTo(first.peer().peerId());
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.FOUND);
        assertThat(net.learned).contains(new FakeNetwork.Learned(b, Duration.ofMinutes(30).toNanos()));
    }

    PeerInfo world(int i) {
        return new PeerInfo(world.get(i), net.addresses(world.get(i)));
    }

    @Test
    void getValueEmitsEverBetterValuesAndCorrectsOutdatedAndEmptyPeers() {
        byte[] key = recordKey("name");
        List<PeerId> closest = trueClosest(key, null, K);
        closest.forEach(this::admit);
        values.put(closest.get(0), bytes("v1"));
        values.put(closest.get(1), bytes("v3"));
        start(Kind.GET_VALUE, key, null, 0);
        run(this::oracle);
        assertThat(events(QueryEvent.ValueFound.class)).extracting(e -> new String(e.value()))
                .containsExactly("v1", "v3");
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.COMPLETED);
        List<Sent> corrections = net.ofType(Type.PUT_VALUE);
        assertThat(corrections).extracting(s -> s.peer().peerId())
                .containsExactlyInAnyOrder(closest.get(0), closest.get(2));
        assertThat(corrections).allSatisfy(s -> assertThat(s.message().record().value()).isEqualTo(bytes("v3")));
    }

    @Test
    void getValueStopsAtItsQuorumAndStillCorrectsTheOutdated() {
        byte[] key = recordKey("name");
        List<PeerId> closest = trueClosest(key, null, K);
        closest.forEach(this::admit);
        values.put(closest.get(0), bytes("v1"));
        values.put(closest.get(1), bytes("v3"));
        start(Kind.GET_VALUE, key, null, 2);
        run(this::oracle);
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.FOUND);
        assertThat(net.ofType(Type.PUT_VALUE)).extracting(s -> s.peer().peerId()).containsExactly(closest.get(0));
    }

    @Test
    void getValueCountsTheLocalValueAndSkipsInvalidOnes() throws Exception {
        byte[] key = recordKey("name");
        List<PeerId> closest = trueClosest(key, null, K);
        closest.forEach(this::admit);
        node.handle(world.get(29), putValue(key, "v2"), now);
        values.put(closest.get(0), bytes("garbage"));
        values.put(closest.get(1), bytes("v2"));
        start(Kind.GET_VALUE, key, null, 2);
        assertThat(events.get(0)).isInstanceOf(QueryEvent.ValueFound.class);
        assertThat(((QueryEvent.ValueFound) events.get(0)).from()).isNull();
        run(this::oracle);
        assertThat(events(QueryEvent.PeerError.class)).extracting(QueryEvent.PeerError::peer)
                .containsExactly(closest.get(0));
        assertThat(events(QueryEvent.ValueFound.class)).hasSize(1);
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.FOUND);
    }

    @Test
    void putValueLooksUpThenStoresAtTheKClosest() {
        world.subList(0, 6).forEach(this::admit);
        byte[] key = recordKey("put");
        start(Kind.PUT_VALUE, key, bytes("v4"), 0);
        assertThat(node.recordStore().get(key, now).value()).isEqualTo(bytes("v4"));
        run(this::oracle);
        List<Sent> stores = net.ofType(Type.PUT_VALUE);
        assertThat(stores).extracting(s -> s.peer().peerId()).containsExactlyElementsOf(trueClosest(key, null, K));
        assertThat(stores).allSatisfy(s -> assertThat(s.expectsResponse()).isTrue());
        assertThat(events(QueryEvent.Stored.class)).hasSize(K);
        assertThat(events(QueryEvent.RequestSent.class)).allSatisfy(e -> assertThat(e.type()).isEqualTo(Type.FIND_NODE));
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.COMPLETED);
    }

    @Test
    void provideLooksUpThenAddsItselfAtTheKClosestCountingOnlyStoresThatWent() {
        world.subList(0, 6).forEach(this::admit);
        byte[] key = KadFixtures.providerKey("mine");
        start(Kind.PROVIDE, key, null, 0);
        assertThat(node.providerStore().providers(key, now, 10)).containsExactly(me);
        boolean[] failedOne = {false};
        run(s -> {
            if (s.message().type() == Type.ADD_PROVIDER && !failedOne[0]) {
                failedOne[0] = true;
                fail(s);
                return null;
            }
            return oracle(s);
        });
        List<Sent> stores = net.ofType(Type.ADD_PROVIDER);
        assertThat(stores).extracting(s -> s.peer().peerId()).containsExactlyElementsOf(trueClosest(key, null, K));
        assertThat(stores).allSatisfy(s -> {
            assertThat(s.expectsResponse()).isFalse();
            assertThat(s.message().providerPeers()).extracting(PeerInfo::peerId).containsExactly(me);
        });
        assertThat(events(QueryEvent.Stored.class)).hasSize(K - 1);
        assertThat(events(QueryEvent.PeerError.class)).hasSize(1);
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.COMPLETED);
    }

    @Test
    void aRequestPastTheHardTimeoutFailsAndTheQueryGoesOn() {
        node = node(KadFixtures.config(K, ALPHA).withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(60)));
        byte[] key = bytes("target");
        admit(trueClosest(key, null, 1).get(0)); // so that the silent peer stays among the k closest
        world.subList(0, 5).forEach(this::admit);
        start(Kind.CLOSEST, key, null, 0);
        Sent silent = open().get(0);
        assertThat(silent.peer().peerId()).isEqualTo(trueClosest(key, null, 1).get(0));
        done.add(silent.id()); // never answered
        now += 9 * SECOND;
        run(this::oracle);
        assertThat(node.queries()).isEqualTo(1);
        now += SECOND;
        assertThat(node.nextWakeup()).isEqualTo(now);
        node.tick(now);
        assertThat(net.cancelled).contains(silent.id());
        assertThat(events(QueryEvent.PeerError.class)).containsExactly(
                new QueryEvent.PeerError(silent.peer().peerId(), "timed out"));
        assertThat(node.routingTable().contains(silent.peer().peerId())).isFalse();
        run(this::oracle);
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.COMPLETED);
        assertThat(events(QueryEvent.FinalPeer.class)).extracting(e -> e.peer().peerId())
                .doesNotContain(silent.peer().peerId()).hasSize(K);
    }

    @Test
    void aSlowRequestGoesLateAtTheAdaptiveTimeoutAndFreesItsSlot() {
        world.subList(0, 6).forEach(this::admit);
        start(Kind.CLOSEST, bytes("target"), null, 0);
        assertThat(open()).hasSize(ALPHA);
        long wake = node.nextWakeup();
        assertThat(wake).isGreaterThan(now).isLessThan(now + 10 * SECOND);
        now = wake;
        node.tick(now);
        // Both went late: their slots go to the third of the k peers the table seeded the lookup with.
        assertThat(open()).hasSize(ALPHA + 1);
        assertThat(events(QueryEvent.PeerError.class)).isEmpty();
    }

    @Test
    void theWholeQueryTimesOutWithWhatItFound() {
        world.subList(0, 6).forEach(this::admit);
        long id = start(Kind.CLOSEST, bytes("target"), null, 0);
        Sent answered = open().get(0);
        respond(answered, oracle(answered));
        List<Sent> pending = open();
        now += 60 * SECOND;
        node.tick(now);
        assertThat(events(QueryEvent.FinalPeer.class)).extracting(e -> e.peer().peerId())
                .containsExactly(answered.peer().peerId());
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.TIMED_OUT);
        assertThat(net.cancelled).containsAll(pending.stream().map(Sent::id).toList());
        // (Maintenance, due at the same tick, may have started lookups of its own.)
        assertThat(open()).noneMatch(s -> java.util.Arrays.equals(s.message().key(), bytes("target")));
        node.cancel(id, now); // over already: nothing happens
        assertThat(events(QueryEvent.Finished.class)).hasSize(1);
    }

    @Test
    void cancelEndsTheQueryAndAbandonsItsRequests() {
        world.subList(0, 6).forEach(this::admit);
        long id = start(Kind.CLOSEST, bytes("target"), null, 0);
        List<Sent> pending = open();
        assertThat(pending).hasSize(ALPHA);
        node.cancel(id, now);
        assertThat(finished().outcome()).isEqualTo(QueryEvent.Outcome.CANCELLED);
        assertThat(net.cancelled).containsExactlyInAnyOrderElementsOf(pending.stream().map(Sent::id).toList());
        int before = events.size();
        respond(pending.get(0), oracle(pending.get(0)));
        assertThat(events).hasSize(before);
        assertThat(node.queries()).isZero();
    }

    @Test
    void atMostMaxQueriesRunAtOnce() {
        admit(world.get(0));
        int max = KademliaConfig.defaults().maxQueries();
        for (int i = 0; i < max; i++) {
            start(Kind.CLOSEST, bytes("k" + i), null, 0);
        }
        assertThatThrownBy(() -> start(Kind.CLOSEST, bytes("one more"), null, 0))
                .isInstanceOf(LimitExceededException.class);
        assertThat(node.queries()).isEqualTo(max);
    }

    // ---- maintenance ----

    @Test
    void providesAreRepublishedAfterTheRepublishInterval() {
        world.subList(0, 6).forEach(this::admit);
        byte[] key = KadFixtures.providerKey("mine");
        start(Kind.PROVIDE, key, null, 0);
        run(this::oracle);
        int provides = net.ofType(Type.ADD_PROVIDER).size();
        long lookups = requestsFor(key);
        now = T0 + 21 * HOUR;
        node.tick(now);
        run(this::oracle);
        assertThat(requestsFor(key)).isEqualTo(lookups);
        now = T0 + 22 * HOUR + MINUTE;
        node.tick(now);
        assertThat(requestsFor(key)).isGreaterThan(lookups);
        run(this::oracle);
        assertThat(net.ofType(Type.ADD_PROVIDER)).hasSize(2 * provides);
    }

    long requestsFor(byte[] key) {
        return net.ofType(Type.FIND_NODE).stream().filter(s -> java.util.Arrays.equals(s.message().key(), key)).count();
    }

    @Test
    void providerRecordsAreCollectedAfterTheirTtl() throws Exception {
        byte[] key = KadFixtures.providerKey("content");
        PeerId sender = world.get(3);
        node.handle(sender, addProvider(key, new PeerInfo(sender, List.of())), now);
        node.tick(T0 + 47 * HOUR);
        assertThat(node.providerStore().size()).isEqualTo(1);
        node.tick(T0 + 49 * HOUR + SECOND);
        assertThat(node.providerStore().size()).isZero();
    }

    @Test
    void staleBucketsAreRefreshedByLookupsIntoThem() {
        node = node(KadFixtures.config(20, ALPHA)); // no full bucket: every peer gets in
        world.subList(0, 10).forEach(this::admit);
        int deepest = 0;
        for (PeerId p : world.subList(0, 10)) {
            deepest = Math.max(deepest, idOf(me).commonPrefixLength(idOf(p)));
        }
        now = T0 + 9 * MINUTE;
        node.tick(now);
        assertThat(refreshedBuckets()).isEmpty();
        run(this::oracle); // whatever maintenance asked is answered: nobody leaves the table
        now = T0 + 10 * MINUTE;
        node.tick(now);
        Set<Integer> expected = new HashSet<>();
        for (int i = 0; i <= Math.min(deepest, KadNode.MAX_REFRESH_CPL); i++) {
            expected.add(i);
        }
        assertThat(refreshedBuckets()).isEqualTo(expected);
    }

    Set<Integer> refreshedBuckets() {
        Set<Integer> out = new HashSet<>();
        for (Sent s : net.ofType(Type.FIND_NODE)) {
            if (!java.util.Arrays.equals(s.message().key(), me.bytes())) {
                out.add(idOf(me).commonPrefixLength(KadId.of(s.message().key())));
            }
        }
        return out;
    }

    @Test
    void theSelfLookupRunsEveryRefreshIntervalWithoutBeingAsked() {
        world.subList(0, 4).forEach(this::admit);
        int probes = net.ofType(Type.FIND_NODE).size(); // admission probes are FIND_NODEs for our id too
        now = T0 + 10 * MINUTE;
        node.tick(now);
        assertThat(net.ofType(Type.FIND_NODE).stream().skip(probes)
                .filter(s -> java.util.Arrays.equals(s.message().key(), me.bytes()))).isNotEmpty();
    }
}
