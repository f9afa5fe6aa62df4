package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.Host;
import io.peerflux.kad.DhtMode;
import io.peerflux.kad.Kademlia;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Cid;
import io.peerflux.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code peerflux dht}: one DHT query from a short-lived client node that joins through {@code --bootstrap} peers.
 * Results print as JSON lines as they arrive; the command exits 0 when it found something, else 1 with a message.
 */
@Command(name = "dht", description = "Query the DHT once, joining through --bootstrap peers: find-peer, "
        + "find-providers, closest, put, get. Prints results as JSON lines as they arrive; exits 0 when something was "
        + "found.", subcommands = {DhtCommand.FindPeer.class, DhtCommand.FindProviders.class, DhtCommand.Closest.class,
            DhtCommand.Put.class, DhtCommand.Get.class})
final class DhtCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** {@code peerflux dht} alone: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** What every query shares: a client node with the DHT options, bootstrapped, and one deadline for everything. */
    abstract static class Query implements Callable<Integer> {

        @Mixin
        HostBaseOptions hostOptions;

        @Mixin
        DhtOptions dhtOptions;

        @Option(names = "--bootstrap", paramLabel = "MULTIADDR", required = true,
                description = "A DHT peer (…/p2p/<id>) to join through. Repeatable.")
        List<String> bootstrap;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long the whole query (joining included) may take. Default: ${DEFAULT-VALUE}.")
        long timeoutSeconds;

        /** The results to print, one JSON line each. */
        abstract Flux<ObjectNode> results(Kademlia dht);

        /** What was not found, for the message when there are no results. */
        abstract String wanted();

        @Override
        public Integer call() throws Exception {
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            Host host = hostOptions.builder(List.of(), timeout).build();
            host.start().block(timeout);
            Kademlia dht = Kademlia.attach(host, dhtOptions.config(DhtMode.CLIENT,
                    bootstrap.stream().map(Multiaddr::of).toList()));
            try {
                long printed = dht.bootstrap()
                        .then(dht.routingTable().filter(peers -> !peers.isEmpty())
                                .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                                        "no bootstrap peer answered: " + String.join(", ", bootstrap)))))
                        .thenMany(Flux.defer(() -> results(dht)))
                        .take(timeout)
                        .doOnNext(line -> Output.print(System.out, line))
                        .count()
                        .block();
                if (printed == 0) {
                    throw new NoSuchElementException(wanted() + " not found within " + timeoutSeconds + " s");
                }
                return 0;
            } finally {
                dht.close().block(Duration.ofSeconds(5));
                host.stop().block(Duration.ofSeconds(5));
            }
        }
    }

    @Command(name = "find-peer", description = "Find a peer's addresses; prints {\"peerId\",\"addrs\"}.")
    static final class FindPeer extends Query {

        @Parameters(paramLabel = "PEERID")
        String peer;

        @Override
        Flux<ObjectNode> results(Kademlia dht) {
            return dht.findPeer(PeerId.parse(peer)).map(Output::peer).flux();
        }

        @Override
        String wanted() {
            return "peer " + peer;
        }
    }

    @Command(name = "find-providers", description = "Find who provides KEY (a CID, or text standing for the raw "
            + "CIDv1 of its SHA2-256); prints {\"peerId\",\"addrs\"} per provider.")
    static final class FindProviders extends Query {

        @Parameters(paramLabel = "KEY")
        String key;

        @Option(names = "--count", paramLabel = "N", defaultValue = "20",
                description = "Stop after N providers. Default: ${DEFAULT-VALUE}.")
        int count;

        @Override
        Flux<ObjectNode> results(Kademlia dht) {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be at least 1");
            }
            return dht.findProviders(DhtKeys.content(key)).take(count).map(Output::peer);
        }

        @Override
        String wanted() {
            return "providers of " + DhtKeys.content(key);
        }
    }

    @Command(name = "closest", description = "Find the peers closest to KEY (a peer id, a /namespace/rest record key, "
            + "or a content key as for find-providers); prints {\"peerId\",\"addrs\"} per peer.")
    static final class Closest extends Query {

        @Parameters(paramLabel = "KEY")
        String key;

        @Override
        Flux<ObjectNode> results(Kademlia dht) {
            return dht.closestPeers(DhtKeys.lookup(key)).map(Output::peer);
        }

        @Override
        String wanted() {
            return "peers close to " + key;
        }
    }

    @Command(name = "put", description = "Store VALUE (UTF-8) under the record KEY (/namespace/rest); prints "
            + "{\"key\",\"peers\"}, how many peers took it.")
    static final class Put extends Query {

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        Flux<ObjectNode> results(Kademlia dht) {
            return dht.putValue(DhtKeys.record(key), value.getBytes(StandardCharsets.UTF_8))
                    .filter(stored -> stored > 0)
                    .map(stored -> Output.object().put("key", key).put("peers", stored))
                    .flux();
        }

        @Override
        String wanted() {
            return "a peer that takes " + key;
        }
    }

    @Command(name = "get", description = "Read the best value under the record KEY (/namespace/rest); prints "
            + "{\"key\",\"value\",\"valueBase64\"}.")
    static final class Get extends Query {

        @Parameters(paramLabel = "KEY")
        String key;

        @Override
        Flux<ObjectNode> results(Kademlia dht) {
            byte[] record = DhtKeys.record(key);
            return dht.getValue(record).map(value -> Output.record(record, value)).flux();
        }

        @Override
        String wanted() {
            return "a value for " + key;
        }
    }
}
