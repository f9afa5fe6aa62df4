package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.kad.Kademlia;
import io.peerflux.multiformats.Cid;
import io.peerflux.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code peerflux node}'s stdin commands on the DHT: {@code provide KEY}, {@code find-providers KEY},
 * {@code find-peer PEERID}, {@code put KEY VALUE...}, {@code get KEY}, {@code closest KEY}. Keys are read as
 * {@link DhtKeys} says. A node started without {@code --dht} answers them with an error.
 */
final class StdinDhtCommands {

    /** The most providers {@code find-providers} lists (p2pd's default count). */
    static final int MAX_PROVIDERS = 20;

    private final Kademlia dht;

    private StdinDhtCommands(Kademlia dht) {
        this.dht = dht;
    }

    /** @param dht the node's DHT, or {@code null} when it runs none */
    static void register(CommandTable table, Kademlia dht) {
        StdinDhtCommands commands = new StdinDhtCommands(dht);
        table.register("provide KEY", commands::provide);
        table.register("find-providers KEY", commands::findProviders);
        table.register("find-peer PEERID", commands::findPeer);
        table.register("put KEY VALUE...", commands::put);
        table.register("get KEY", commands::get);
        table.register("closest KEY", commands::closest);
    }

    private Kademlia dht() {
        if (dht == null) {
            throw new IllegalStateException("no DHT: start the node with --dht server|client|auto");
        }
        return dht;
    }

    private Mono<ObjectNode> provide(List<String> args) {
        Cid cid = DhtKeys.content(args.get(0));
        return dht().provide(cid).map(stored -> Output.object().put("key", cid.toString()).put("peers", stored));
    }

    private Mono<ObjectNode> findProviders(List<String> args) {
        Cid cid = DhtKeys.content(args.get(0));
        return peers(dht().findProviders(cid).take(MAX_PROVIDERS).map(Output::peer), "providers")
                .map(answer -> answer.put("key", cid.toString()));
    }

    private Mono<ObjectNode> findPeer(List<String> args) {
        PeerId peer = PeerId.parse(args.get(0));
        return dht().findPeer(peer).map(info -> {
            ObjectNode answer = Output.object();
            answer.set("peer", Output.peer(info));
            return answer;
        });
    }

    private Mono<ObjectNode> put(List<String> args) {
        byte[] key = DhtKeys.record(args.get(0));
        return dht().putValue(key, args.get(1).getBytes(StandardCharsets.UTF_8))
                .map(stored -> Output.object().put("key", args.get(0)).put("peers", stored));
    }

    private Mono<ObjectNode> get(List<String> args) {
        byte[] key = DhtKeys.record(args.get(0));
        return dht().getValue(key).map(value -> Output.record(key, value));
    }

    private Mono<ObjectNode> closest(List<String> args) {
        return peers(dht().closestPeers(DhtKeys.lookup(args.get(0))).map(Output::peer), "peers");
    }

    private static Mono<ObjectNode> peers(Flux<ObjectNode> peers, String field) {
        return peers.collectList().map(list -> {
            ObjectNode answer = Output.object();
            ArrayNode array = answer.putArray(field);
            array.addAll(list);
            return answer;
        });
    }
}
