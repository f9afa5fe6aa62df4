package io.peerflux.benchmarks.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.Host;
import io.peerflux.host.Peerflux;
import io.peerflux.kad.Kademlia;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multihash;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.tcp.Tcp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * findProviders, Peerflux against js-libp2p, in one mixed DHT on loopback: {@code nodes} js-libp2p kad-dht servers
 * ({@code interop/dht-peer.mjs}, one process each) and as many Peerflux servers (in this JVM), every node over TCP +
 * Noise + Yamux. {@code keys} keys are provided, alternately by a js and a Peerflux node; then, for each key, one
 * Peerflux node and one js node that provide nothing look it up, alternating which asks first, and each measures the
 * time from the query's start to its first provider (js measures inside its own process). Prints every pair and the
 * medians; the target is Peerflux's median at most js's.
 *
 * <pre>benchmarks/dht-compare.sh [nodesEachKind] [keys]</pre>
 */
public final class DhtCompare {

    static final Duration WAIT = Duration.ofSeconds(60);

    private DhtCompare() {}

    public static void main(String[] args) throws Exception {
        int each = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Path root = Path.of("").toAbsolutePath();
        List<Child> js = new ArrayList<>();
        List<Multiaddr> jsAddresses = new ArrayList<>();
        List<Host> hosts = new ArrayList<>();
        List<Kademlia> dhts = new ArrayList<>();
        try {
            for (int i = 0; i < each; i++) {
                Child child = Child.start("js-dht-" + i, List.of("node", root.resolve("interop/dht-peer.mjs").toString()));
                JsonNode ready = child.await(l -> "ready".equals(l.path("event").asText()), WAIT);
                js.add(child);
                jsAddresses.add(Multiaddr.of(ready.get("addrs").get(0).asText()));
            }
            for (int i = 0; i < each; i++) {
                Host host = Peerflux.host().transport(Tcp.create()).security(Noise.create()).muxer(Yamux.create())
                        .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")).build();
                host.start().block(WAIT);
                hosts.add(host);
                List<Multiaddr> bootstrap = new ArrayList<>(List.of(jsAddresses.get(i)));
                if (i > 0) {
                    bootstrap.add(address(hosts.get(0)));
                }
                dhts.add(Kademlia.attach(host, KademliaConfig.defaults().withBootstrap(bootstrap)));
            }
            for (int i = 0; i < each; i++) {
                command(js.get(i), "connect", "addr", jsAddresses.get((i + 1) % each).toString());
                command(js.get(i), "connect", "addr", address(hosts.get(i)).toString());
            }
            for (int round = 0; round < 2; round++) {
                for (Kademlia dht : dhts) {
                    dht.bootstrap().block(WAIT);
                }
            }
            // The last node of each kind only asks; the others provide.
            List<Cid> cids = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                Cid cid = Cid.v1(Cid.RAW, Multihash.sha256(("dht-compare " + System.nanoTime() + " " + k)
                        .getBytes(StandardCharsets.UTF_8)));
                cids.add(cid);
                if (k % 2 == 0) {
                    command(js.get(k % (each - 1)), "provide", "key", cid.toString());
                } else {
                    dhts.get(k % (each - 1)).provide(cid).block(WAIT);
                }
            }
            Kademlia javaAsker = dhts.get(each - 1);
            Child jsAsker = js.get(each - 1);
            double[] javaMs = new double[keys];
            double[] jsMs = new double[keys];
            System.out.println("key,peerflux_first_provider_ms,js_first_provider_ms");
            for (int k = 0; k < keys; k++) {
                Cid cid = cids.get(k);
                if (k % 2 == 0) {
                    javaMs[k] = timeJava(javaAsker, cid);
                    jsMs[k] = timeJs(jsAsker, cid);
                } else {
                    jsMs[k] = timeJs(jsAsker, cid);
                    javaMs[k] = timeJava(javaAsker, cid);
                }
                System.out.printf("%d,%.2f,%.2f%n", k, javaMs[k], jsMs[k]);
            }
            double javaMedian = median(javaMs);
            double jsMedian = median(jsMs);
            System.out.printf("median time to the first provider over %d keys, %d+%d nodes: Peerflux %.2f ms, "
                            + "js-libp2p %.2f ms (Peerflux / js = %.2f); target Peerflux <= js: %s%n", keys, each, each,
                    javaMedian, jsMedian, javaMedian / jsMedian, javaMedian <= jsMedian ? "met" : "MISSED");
        } finally {
            dhts.forEach(d -> d.close().block(WAIT));
            hosts.forEach(h -> h.stop().block(WAIT));
            for (Child child : js) {
                child.close();
            }
        }
    }

    static double timeJava(Kademlia dht, Cid cid) {
        long start = System.nanoTime();
        dht.findProviders(cid).blockFirst(WAIT);
        return (System.nanoTime() - start) / 1e6;
    }

    static double timeJs(Child js, Cid cid) throws Exception {
        JsonNode reply = command(js, "findProviders", "key", cid.toString(), "count", 1);
        if (reply.path("providers").isEmpty()) {
            throw new IllegalStateException("js found no provider for " + cid);
        }
        return reply.get("firstMs").asDouble();
    }

    private static int ids;

    static JsonNode command(Child child, String cmd, Object... args) throws Exception {
        int id = ++ids;
        ObjectNode request = Child.JSON.createObjectNode().put("id", id).put("cmd", cmd);
        for (int i = 0; i < args.length; i += 2) {
            request.set((String) args[i], Child.JSON.valueToTree(args[i + 1]));
        }
        child.send(request);
        JsonNode reply = child.await(l -> l.path("id").asInt() == id, WAIT);
        if (!reply.path("ok").asBoolean()) {
            throw new IllegalStateException(child.name() + " " + cmd + ": " + reply.path("error").asText());
        }
        return reply;
    }

    static Multiaddr address(Host host) {
        return host.listenAddresses().get(0).encapsulate(Multiaddr.of("/p2p/" + host.peerId()));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
