package io.peerflux.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Host;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.pubsub.Gossipsub;
import io.peerflux.pubsub.GossipsubConfig;
import io.peerflux.pubsub.GossipsubServiceConfig;
import io.peerflux.pubsub.MessageId;
import io.peerflux.pubsub.PublishResult;
import io.peerflux.pubsub.SignaturePolicy;
import io.peerflux.testing.Eventually;
import io.peerflux.testing.TestHosts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * Peerflux's gossipsub against js-libp2p's ({@code @libp2p/gossipsub}, {@code interop/pubsub-peer.mjs}) over TCP +
 * Noise + Yamux on loopback: messages both ways whichever side dials, through a Java node between two js nodes and
 * through a js node between two Java nodes, signed and unsigned; each message delivered exactly once.
 */
class GossipsubInteropTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String TOPIC = "interop";
    static final int COUNT = 10;

    final List<JsPeer> js = new ArrayList<>();
    final List<Host> hosts = new ArrayList<>();
    final List<Gossipsub> pubsubs = new ArrayList<>();
    final List<Disposable> subscriptions = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        subscriptions.forEach(Disposable::dispose);
        pubsubs.forEach(p -> p.close().block(WAIT));
        hosts.forEach(h -> h.stop().block(WAIT));
        for (JsPeer peer : js) {
            peer.close();
        }
    }

    static GossipsubServiceConfig signed() {
        return GossipsubServiceConfig.defaults();
    }

    /** js's StrictNoSign: no author fields, and the id is the SHA-256 of the data (js's default for that policy). */
    static GossipsubServiceConfig unsigned() {
        return GossipsubServiceConfig.defaults().withRouter(GossipsubConfig.defaults()
                .withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
                .withMessageIdFunction(m -> {
                    try {
                        return MessageId.of(MessageDigest.getInstance("SHA-256").digest(m.data()));
                    } catch (NoSuchAlgorithmException e) {
                        throw new IllegalStateException(e);
                    }
                }));
    }

    Gossipsub java(GossipsubServiceConfig config) {
        PrivateKey key = PrivateKey.generateEd25519();
        Host host = TestHosts.tcp(b -> b.identity(key));
        hosts.add(host);
        Gossipsub pubsub = Gossipsub.attach(host, key, config);
        pubsubs.add(pubsub);
        return pubsub;
    }

    Host hostOf(Gossipsub pubsub) {
        return hosts.get(pubsubs.indexOf(pubsub));
    }

    JsPeer js(String... args) throws Exception {
        JsPeer peer = JsPeer.start("pubsub-peer.mjs", args);
        js.add(peer);
        peer.command("subscribe", Map.of("topic", TOPIC), WAIT);
        return peer;
    }

    List<String> collect(Gossipsub pubsub) {
        List<String> got = new CopyOnWriteArrayList<>();
        subscriptions.add(pubsub.subscribe(TOPIC).subscribe(m -> got.add(new String(m.data(), StandardCharsets.UTF_8))));
        return got;
    }

    void javaDials(Gossipsub from, JsPeer to) {
        hostOf(from).connect(to.address()).block(WAIT);
    }

    void jsDials(JsPeer from, Gossipsub to) throws Exception {
        from.command("connect", Map.of("addr", TestHosts.address(hostOf(to)).toString()), WAIT);
    }

    static List<String> jsMessages(JsPeer peer) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode m : peer.command("messages", Map.of("topic", TOPIC), WAIT).get("messages")) {
            out.add(m.get("data").asText());
        }
        return out;
    }

    static List<String> jsTopicPeers(JsPeer peer) throws Exception {
        List<String> out = new ArrayList<>();
        peer.command("topicPeers", Map.of("topic", TOPIC), WAIT).get("peers").forEach(p -> out.add(p.asText()));
        return out;
    }

    void awaitJsSees(JsPeer peer, Gossipsub pubsub) {
        String id = hostOf(pubsub).peerId().toString();
        Eventually.await(() -> {
            try {
                return jsTopicPeers(peer).contains(id);
            } catch (Exception e) {
                return false;
            }
        }, WAIT);
    }

    void awaitJavaSees(Gossipsub pubsub, JsPeer peer, boolean inMesh) {
        Eventually.await(() -> (inMesh ? pubsub.meshPeers(TOPIC) : pubsub.topicPeers(TOPIC)).block(WAIT)
                .contains(peer.peerId()), WAIT);
    }

    static List<String> publishJava(Gossipsub from, String prefix) {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            String text = prefix + i;
            PublishResult result = from.publish(TOPIC, text.getBytes(StandardCharsets.UTF_8)).block(WAIT);
            assertThat(result.peers()).isNotEmpty();
            sent.add(text);
        }
        return sent;
    }

    static List<String> publishJs(JsPeer from, String prefix) throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            String text = prefix + i;
            from.command("publish", Map.of("topic", TOPIC, "data", text), WAIT);
            sent.add(text);
        }
        return sent;
    }

    static void awaitJsGot(JsPeer peer, List<String> expected) throws Exception {
        Eventually.await(() -> {
            try {
                return jsMessages(peer).size() >= expected.size();
            } catch (Exception e) {
                return false;
            }
        }, WAIT);
        Thread.sleep(500); // a duplicate would arrive by now
        assertThat(jsMessages(peer)).containsExactlyInAnyOrderElementsOf(expected);
    }

    static void awaitJavaGot(List<String> got, List<String> expected) throws Exception {
        Eventually.await(() -> got.size() >= expected.size(), WAIT);
        Thread.sleep(500);
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    }

    void bothWays(GossipsubServiceConfig config, boolean javaDials, String... jsArgs) throws Exception {
        Gossipsub java = java(config);
        List<String> javaGot = collect(java);
        JsPeer peer = js(jsArgs);
        if (javaDials) {
            javaDials(java, peer);
        } else {
            jsDials(peer, java);
        }
        awaitJavaSees(java, peer, false);
        awaitJsSees(peer, java);

        awaitJsGot(peer, publishJava(java, "java-"));
        awaitJavaGot(javaGot, publishJs(peer, "js-"));
    }

    @Test
    void messagesFlowBothWaysWhenJavaDials() throws Exception {
        bothWays(signed(), true);
    }

    @Test
    void messagesFlowBothWaysWhenJsDials() throws Exception {
        bothWays(signed(), false);
    }

    @Test
    void unsignedMessagesFlowBothWaysUnderStrictNoSign() throws Exception {
        bothWays(unsigned(), true, "--no-sign");
    }

    @Test
    void aJavaNodeBetweenTwoJsNodesForwardsTheirMessages() throws Exception {
        JsPeer left = js();
        JsPeer right = js();
        Gossipsub middle = java(signed());
        List<String> middleGot = collect(middle);
        jsDials(left, middle);
        javaDials(middle, right);
        awaitJavaSees(middle, left, true);
        awaitJavaSees(middle, right, true);
        awaitJsSees(left, middle);
        awaitJsSees(right, middle);

        List<String> fromLeft = publishJs(left, "left-");
        List<String> fromRight = publishJs(right, "right-");

        awaitJsGot(right, fromLeft);
        awaitJsGot(left, fromRight);
        List<String> both = new ArrayList<>(fromLeft);
        both.addAll(fromRight);
        awaitJavaGot(middleGot, both);
    }

    @Test
    void aJsNodeBetweenTwoJavaNodesForwardsTheirMessages() throws Exception {
        Gossipsub left = java(signed());
        Gossipsub right = java(signed());
        List<String> leftGot = collect(left);
        List<String> rightGot = collect(right);
        JsPeer middle = js();
        javaDials(left, middle);
        jsDials(middle, right);
        awaitJavaSees(left, middle, false);
        awaitJavaSees(right, middle, false);
        Eventually.await(() -> {
            try {
                return jsTopicPeers(middle).size() == 2;
            } catch (Exception e) {
                return false;
            }
        }, WAIT);
        // js forwards only to its mesh; give its 200 ms heartbeat time to graft both.
        Eventually.await(() -> {
            try {
                return middle.command("meshPeers", Map.of("topic", TOPIC), WAIT).get("peers").size() == 2;
            } catch (Exception e) {
                return false;
            }
        }, WAIT);

        List<String> fromLeft = publishJava(left, "left-");
        List<String> fromRight = publishJava(right, "right-");

        awaitJavaGot(rightGot, fromLeft);
        awaitJavaGot(leftGot, fromRight);
        awaitJsGot(middle, new ArrayList<>(List.of(fromLeft, fromRight).stream().flatMap(List::stream).toList()));
    }
}
