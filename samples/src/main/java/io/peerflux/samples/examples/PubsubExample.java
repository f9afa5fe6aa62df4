package io.peerflux.samples.examples;

import io.peerflux.Host;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.pubsub.Gossipsub;
import io.peerflux.pubsub.GossipsubServiceConfig;
import io.peerflux.pubsub.PublishResult;
import io.peerflux.pubsub.PubsubMessage;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.tcp.Tcp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pubsub chapter's example (docs/pubsub.md): three hosts in a line on loopback, a - b - c; a publishes to a topic
 * and c, which a is not connected to, receives the message through b.
 *
 * <pre>java -cp samples/target/peerflux.jar io.peerflux.samples.examples.PubsubExample</pre>
 */
public final class PubsubExample {

    static final Duration WAIT = Duration.ofSeconds(30);

    private PubsubExample() {}

    public static void main(String[] args) throws InterruptedException {
        List<Host> hosts = new ArrayList<>();
        List<Gossipsub> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                PrivateKey key = PrivateKey.generateEd25519();
                Host host = Peerflux.host()
                        .identity(key)
                        .transport(Tcp.create())
                        .security(Noise.create())
                        .muxer(Yamux.create())
                        .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                        .build();
                host.start().block(WAIT);
                hosts.add(host);
                nodes.add(Gossipsub.attach(host, key, GossipsubServiceConfig.defaults()));
            }
            for (int i = 0; i < 2; i++) {
                Host next = hosts.get(i + 1);
                hosts.get(i).connect(next.listenAddresses().get(0)
                        .encapsulate(Multiaddr.of("/p2p/" + next.peerId()))).block(WAIT);
            }

            // Subscribing is lazy: b and c join "news" when these subscriptions start.
            nodes.get(1).subscribe("news").subscribe();
            PubsubMessage[] got = new PubsubMessage[1];
            var received = nodes.get(2).subscribe("news").next().doOnNext(m -> got[0] = m).toFuture();

            // Wait until a knows a subscriber of "news" (b, once it told a), and b forwards to c: b grafts c into its
            // mesh of "news" as soon as c's subscription arrives. Gossipsub forwards only to mesh peers.
            while (nodes.get(0).topicPeers("news").block(WAIT).isEmpty()
                    || !nodes.get(1).meshPeers("news").block(WAIT).contains(hosts.get(2).peerId())) {
                Thread.sleep(50);
            }
            PublishResult sent = nodes.get(0).publish("news", "hello, pubsub".getBytes(StandardCharsets.UTF_8))
                    .block(WAIT);
            System.out.println("published " + sent.id() + " to " + sent.peers().size() + " peer");

            received.join();
            System.out.println("c received: " + new String(got[0].data(), StandardCharsets.UTF_8)
                    + " (forwarded by " + (got[0].receivedFrom().equals(hosts.get(1).peerId()) ? "b" : "?") + ")");
        } finally {
            nodes.forEach(n -> n.close().block(WAIT));
            hosts.forEach(h -> h.stop().block(WAIT));
        }
    }
}
