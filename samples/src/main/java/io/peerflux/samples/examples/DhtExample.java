package io.peerflux.samples.examples;

import io.peerflux.Host;
import io.peerflux.host.Peerflux;
import io.peerflux.kad.Kademlia;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.kad.record.AcceptAnyValidator;
import io.peerflux.kad.record.Validators;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multihash;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.peer.PeerInfo;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.tcp.Tcp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The DHT chapter's example (docs/dht.md): eight DHT servers on loopback, each bootstrapped from the first; one
 * provides a CID and stores a value, another finds the provider, the value and a peer.
 *
 * <pre>java -cp samples/target/peerflux.jar io.peerflux.samples.examples.DhtExample</pre>
 */
public final class DhtExample {

    static final Duration WAIT = Duration.ofSeconds(30);

    private DhtExample() {}

    public static void main(String[] args) {
        List<Host> hosts = new ArrayList<>();
        List<Kademlia> dhts = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Host host = Peerflux.host()
                        .transport(Tcp.create())
                        .security(Noise.create())
                        .muxer(Yamux.create())
                        .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                        .build();
                host.start().block(WAIT);
                hosts.add(host);
                KademliaConfig config = KademliaConfig.defaults()
                        // Any value under /example/ is accepted, and the first one found wins.
                        .withValidators(Validators.defaults().withNamespace("example", new AcceptAnyValidator()));
                if (i > 0) {
                    Host first = hosts.get(0);
                    config = config.withBootstrap(List.of(first.listenAddresses().get(0)
                            .encapsulate(Multiaddr.of("/p2p/" + first.peerId()))));
                }
                Kademlia dht = Kademlia.attach(host, config);
                dht.bootstrap().block(WAIT);
                dhts.add(dht);
            }

            Cid cid = Cid.v1(Cid.RAW, Multihash.sha256("hello, dht".getBytes(StandardCharsets.UTF_8)));
            int stored = dhts.get(1).provide(cid).block(WAIT);
            System.out.println("provided " + cid + " to " + stored + " peers");
            PeerInfo provider = dhts.get(6).findProviders(cid).blockFirst(WAIT);
            System.out.println("provider found: " + provider.peerId());

            byte[] key = "/example/greeting".getBytes(StandardCharsets.UTF_8);
            dhts.get(2).putValue(key, "hello".getBytes(StandardCharsets.UTF_8)).block(WAIT);
            byte[] value = dhts.get(7).getValue(key, 2).block(WAIT);
            System.out.println("value found: " + new String(value, StandardCharsets.UTF_8));

            PeerInfo peer = dhts.get(5).findPeer(hosts.get(3).peerId()).block(WAIT);
            System.out.println("peer found: " + peer.peerId() + " at " + peer.addresses());
        } finally {
            dhts.forEach(d -> d.close().block(WAIT));
            hosts.forEach(h -> h.stop().block(WAIT));
        }
    }
}
