package io.peerflux.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Host;
import io.peerflux.LimitExceededException;
import io.peerflux.Stream;
import io.peerflux.StreamResetException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiformats.Varint;
import io.peerflux.testing.Eventually;
import io.peerflux.testing.TestHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Peerflux hosts over TCP + Noise + Yamux on loopback, each with a {@link Gossipsub}, in lines and rings. */
class GossipsubTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String TOPIC = "news";

    final List<Host> hosts = new ArrayList<>();
    final List<Gossipsub> pubsubs = new ArrayList<>();
    final List<Disposable> subscriptions = new ArrayList<>();

    @AfterEach
    void stop() {
        subscriptions.forEach(Disposable::dispose);
        pubsubs.forEach(p -> p.close().block(WAIT));
        hosts.forEach(h -> h.stop().block(WAIT));
    }

    Gossipsub node(GossipsubServiceConfig config) {
        PrivateKey key = PrivateKey.generateEd25519();
        Host host = TestHosts.tcp(b -> b.identity(key));
        hosts.add(host);
        Gossipsub pubsub = Gossipsub.attach(host, key, config);
        pubsubs.add(pubsub);
        return pubsub;
    }

    /** {@code n} nodes, each connected to the next (and the last to the first when {@code ring}). */
    List<Gossipsub> chain(int n, boolean ring, GossipsubServiceConfig config) {
        List<Gossipsub> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(node(config));
        }
        for (int i = 0; i < (ring ? n : n - 1); i++) {
            hosts.get(i).connect(TestHosts.address(hosts.get((i + 1) % n))).block(WAIT);
        }
        return nodes;
    }

    List<String> collect(Gossipsub pubsub, String topic) {
        List<String> got = new CopyOnWriteArrayList<>();
        subscriptions.add(pubsub.subscribe(topic)
                .subscribe(m -> got.add(new String(m.data(), StandardCharsets.UTF_8))));
        return got;
    }

    static void awaitTopicPeers(Gossipsub pubsub, int count) {
        Eventually.await(() -> pubsub.topicPeers(TOPIC).block(WAIT).size() >= count, WAIT);
    }

    static List<String> publish(Gossipsub from, String prefix, int count) {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String text = prefix + i;
            from.publish(TOPIC, text.getBytes(StandardCharsets.UTF_8)).block(WAIT);
            sent.add(text);
        }
        return sent;
    }

    @Test
    void aLineOfFourCarriesMessagesThroughTheMiddleOnceEach() {
        List<Gossipsub> line = chain(4, false, GossipsubServiceConfig.defaults());
        List<List<String>> got = line.stream().map(p -> collect(p, TOPIC)).toList();
        awaitTopicPeers(line.get(0), 1);
        awaitTopicPeers(line.get(1), 2);
        awaitTopicPeers(line.get(2), 2);
        awaitTopicPeers(line.get(3), 1);

        List<String> fromFirst = publish(line.get(0), "a", 20);
        List<String> fromLast = publish(line.get(3), "d", 20);

        Eventually.await(() -> got.get(0).size() == 20 && got.get(3).size() == 20, WAIT);
        Eventually.await(() -> got.get(1).size() == 40 && got.get(2).size() == 40, WAIT);
        assertThat(got.get(3)).containsExactlyInAnyOrderElementsOf(fromFirst);
        assertThat(got.get(0)).containsExactlyInAnyOrderElementsOf(fromLast);
        assertThat(got.get(1)).doesNotHaveDuplicates();
        assertThat(got.get(2)).doesNotHaveDuplicates();
        // The mesh is tagged in the connection manager, so connection trimming spares it.
        Eventually.await(() -> hosts.get(1).connectionManager().tags(hosts.get(0).peerId())
                .containsKey(Gossipsub.MESH_TAG), WAIT);
    }

    @Test
    void aRingDeliversEachMessageOnceThoughItArrivesTwoWays() throws Exception {
        List<Gossipsub> ring = chain(5, true, GossipsubServiceConfig.defaults());
        List<List<String>> got = ring.stream().map(p -> collect(p, TOPIC)).toList();
        ring.forEach(p -> awaitTopicPeers(p, 2));

        List<String> sent = publish(ring.get(0), "r", 30);

        for (int i = 1; i < ring.size(); i++) {
            List<String> mine = got.get(i);
            Eventually.await(() -> mine.size() >= 30, WAIT);
        }
        Thread.sleep(500); // a late duplicate would show up by now
        for (int i = 1; i < ring.size(); i++) {
            assertThat(got.get(i)).containsExactlyInAnyOrderElementsOf(sent);
        }
        assertThat(got.get(0)).isEmpty();
    }

    @Test
    void publishingWithoutPeersFailsWithATypedErrorUnlessAllowed() {
        Gossipsub alone = node(GossipsubServiceConfig.defaults());
        StepVerifier.create(alone.publish(TOPIC, new byte[] {1}))
                .expectError(NoPubsubPeersException.class).verify(WAIT);
        Gossipsub allowed = node(GossipsubServiceConfig.defaults().withPublishWithoutPeers(true));
        StepVerifier.create(allowed.publish(TOPIC, new byte[] {1}))
                .assertNext(r -> assertThat(r.peers()).isEmpty()).verifyComplete();
    }

    @Test
    void aStalledSubscriberLosesItsOldestMessagesAndSlowsNobody() {
        List<Gossipsub> pair = chain(2, false, GossipsubServiceConfig.defaults());
        List<String> fast = collect(pair.get(1), TOPIC);
        List<String> stalledGot = new CopyOnWriteArrayList<>();
        BaseSubscriber<PubsubMessage> stalled = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // Asks for nothing until told to.
            }

            @Override
            protected void hookOnNext(PubsubMessage m) {
                stalledGot.add(new String(m.data(), StandardCharsets.UTF_8));
            }
        };
        pair.get(1).subscribe(TOPIC).subscribe(stalled);
        subscriptions.add(stalled);
        awaitTopicPeers(pair.get(0), 1);

        int count = 1500;
        List<String> sent = publish(pair.get(0), "m", count);

        Eventually.await(() -> fast.size() == count, WAIT);
        assertThat(fast).containsExactlyElementsOf(sent);
        // 1,024 buffered, and one taken ahead by the delivery stage (the first): the rest were dropped, oldest first.
        Eventually.await(() -> pair.get(1).stats().block(WAIT).subscriberDrops() == count - 1025, WAIT);
        stalled.request(Long.MAX_VALUE);
        Eventually.await(() -> stalledGot.contains(sent.get(count - 1)), WAIT);
        assertThat(stalledGot).hasSize(1025).doesNotContain(sent.get(1));
        assertThat(sent).containsSubsequence(stalledGot);
    }

    @Test
    void aSubscriberOverItsBufferWithTheErrorPolicyGetsALimitErrorAfterWhatItBufferedAndLeaves() {
        // The publisher keeps publishing after the subscriber's node has left the topic.
        Gossipsub publisher = node(GossipsubServiceConfig.defaults().withPublishWithoutPeers(true));
        Gossipsub subscriber = node(GossipsubServiceConfig.defaults()
                .withSubscriberBuffer(8, GossipsubServiceConfig.Overflow.ERROR));
        hosts.get(0).connect(TestHosts.address(hosts.get(1))).block(WAIT);
        List<String> got = new ArrayList<>();
        StepVerifier.create(subscriber.subscribe(TOPIC).map(m -> new String(m.data(), StandardCharsets.UTF_8)), 0)
                .expectSubscription()
                .then(() -> {
                    awaitTopicPeers(publisher, 1);
                    publish(publisher, "m", 40);
                })
                .thenAwait(Duration.ofSeconds(1))
                .thenRequest(Long.MAX_VALUE)
                .thenConsumeWhile(m -> true, got::add)
                .expectError(LimitExceededException.class)
                .verify(WAIT);
        // Eight buffered and one taken ahead by the delivery stage; the tenth overflowed.
        assertThat(got).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8");
        // The subscription ended, so its node left the topic.
        Eventually.await(() -> publisher.topicPeers(TOPIC).block(WAIT).isEmpty(), WAIT);
    }

    @Test
    void theLastSubscriberToCancelLeavesTheTopic() {
        List<Gossipsub> pair = chain(2, false, GossipsubServiceConfig.defaults());
        Disposable first = pair.get(1).subscribe(TOPIC).subscribe();
        Disposable second = pair.get(1).subscribe(TOPIC).subscribe();
        awaitTopicPeers(pair.get(0), 1);
        first.dispose();
        // Still one subscriber: still in the topic a heartbeat later.
        Eventually.await(() -> pair.get(0).topicPeers(TOPIC).block(WAIT).size() == 1, WAIT);
        StepVerifier.create(pair.get(0).publish(TOPIC, new byte[] {1})).expectNextCount(1).verifyComplete();
        second.dispose();
        Eventually.await(() -> pair.get(0).topicPeers(TOPIC).block(WAIT).isEmpty(), WAIT);
    }

    @Test
    void aMalformedRpcResetsOnlyItsStreamAndTheNodeKeepsServing() {
        List<Gossipsub> pair = chain(2, false, GossipsubServiceConfig.defaults());
        List<String> got = collect(pair.get(1), TOPIC);
        awaitTopicPeers(pair.get(0), 1);
        // A third host that takes pubsub streams (so the node's stream to it stays up) writes a frame that is no RPC.
        String protocol = PubsubProtocol.GOSSIPSUB_V11.id();
        Host rogue = TestHosts.tcp(b -> b.handle(protocol, s -> s.receive().then()));
        hosts.add(rogue);
        Stream bad = rogue.newStream(TestHosts.address(hosts.get(1)), protocol).block(WAIT);
        bad.send(Flux.just(frame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02}))).block(WAIT);
        StepVerifier.create(bad.receive()).expectError(StreamResetException.class).verify(WAIT);

        // The same peer is still served on a new stream, and the others still get their messages.
        Stream good = rogue.newStream(TestHosts.address(hosts.get(1)), protocol).block(WAIT);
        Rpc subscribe = new Rpc(List.of(new Rpc.Subscription(true, TOPIC)), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of());
        good.send(Flux.just(frame(PubsubCodec.encode(subscribe)))).block(WAIT);
        Eventually.await(() -> pair.get(1).topicPeers(TOPIC).block(WAIT).contains(rogue.peerId()), WAIT);
        List<String> sent = publish(pair.get(0), "after", 5);
        Eventually.await(() -> got.size() == 5, WAIT);
        assertThat(got).containsExactlyElementsOf(sent);
        good.reset().block(WAIT);
    }

    static ByteBuf frame(byte[] bytes) {
        ByteBuf frame = Unpooled.buffer();
        Varint.write(bytes.length, frame);
        return frame.writeBytes(bytes);
    }
}
