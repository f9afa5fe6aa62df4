package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.Host;
import io.peerflux.kad.DhtMode;
import io.peerflux.kad.Kademlia;
import io.peerflux.multiaddr.Multiaddr;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs a node until SIGTERM or until stdin closes, answering the commands it reads on stdin (see
 * {@link CommandTable}) one at a time, in order.
 */
@Command(name = "node", description = {"Start a node; prints {\"peerId\",\"addrs\",\"protocols\"} first (and "
        + "\"dht\": server or client with --dht), then runs until SIGTERM or stdin closes.",
    "Reads commands on stdin, one per line, and answers each with one JSON line {\"cmd\",\"ok\",…}: connect "
        + "MULTIADDR, peers, and with --dht: provide KEY, find-providers KEY, find-peer PEERID, put KEY VALUE, get KEY, "
        + "closest KEY. A KEY to provide is a CID, or text standing for the raw CIDv1 of its SHA2-256; a record KEY is "
        + "/namespace/rest."})
final class NodeCommand implements Callable<Integer> {

    /** How long one stdin command may take. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** How long the node waits for its bootstrap lookup before it is ready (the lookup's own limit is 60 s). */
    static final Duration BOOTSTRAP_TIMEOUT = Duration.ofSeconds(90);

    @Spec
    CommandSpec spec;

    @Mixin
    HostOptions options;

    @Mixin
    DhtOptions dhtOptions;

    @Option(names = "--listen", paramLabel = "MULTIADDR", defaultValue = "/ip4/127.0.0.1/tcp/0",
            description = "Address to listen on (repeatable). Default: ${DEFAULT-VALUE}.")
    List<String> listen;

    @Option(names = "--protocols", split = ",", paramLabel = "LIST", defaultValue = "echo",
            description = "Extra protocols to serve besides identify and ping (supported: echo; perf, which sends "
                    + "up to 16 GiB per request to anyone who asks). Default: ${DEFAULT-VALUE}.")
    List<String> protocols;

    @Option(names = "--dht", paramLabel = "MODE",
            description = "Run the Kademlia DHT: server, client, or auto (a server when listening on a public "
                    + "address).")
    DhtMode dhtMode;

    @Option(names = "--bootstrap", paramLabel = "MULTIADDR",
            description = "A DHT peer (…/p2p/<id>) to connect to at start, seeding the routing table; the node is "
                    + "ready once its first lookup ended. Repeatable; needs --dht.")
    List<String> bootstrap = List.of();

    @Option(names = "--ignore-stdin", description = "Keep running when stdin closes (to run in the background); "
            + "read no commands.")
    boolean ignoreStdin;

    @Override
    public Integer call() throws Exception {
        if (dhtMode == null && !bootstrap.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--bootstrap needs --dht");
        }
        Host host = options.builder(protocols)
                .listen(listen.stream().map(Multiaddr::of).toArray(Multiaddr[]::new))
                .build();
        host.start().block();
        Kademlia dht = dhtMode == null ? null : Kademlia.attach(host,
                dhtOptions.config(dhtMode, bootstrap.stream().map(Multiaddr::of).toList()));
        if (dht != null && !bootstrap.isEmpty()) {
            dht.bootstrap().block(BOOTSTRAP_TIMEOUT);
            if (dht.routingTable().block(BOOTSTRAP_TIMEOUT).isEmpty()) {
                System.err.println("peerflux: warning: no bootstrap peer answered; the DHT routing table is empty");
            }
        }
        Output.print(System.out, ready(host, dht));

        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        if (!ignoreStdin) {
            CommandTable commands = new CommandTable(COMMAND_TIMEOUT);
            StdinHostCommands.register(commands, host);
            StdinDhtCommands.register(commands, dht);
            Thread reader = new Thread(() -> {
                answerStdin(commands);
                stop.countDown();
            }, "stdin-commands");
            reader.setDaemon(true);
            reader.start();
        }
        stop.await();
        stop(host, dht);
        stopped.countDown();
        return 0;
    }

    private ObjectNode ready(Host host, Kademlia dht) {
        ObjectNode ready = Output.object().put("peerId", host.peerId().toString());
        ArrayNode addrs = ready.putArray("addrs");
        host.listenAddresses().forEach(a -> addrs.add(a + "/p2p/" + host.peerId()));
        ArrayNode served = ready.putArray("protocols");
        host.protocols().stream().sorted().forEach(served::add);
        if (dht != null) {
            ready.put("dht", dht.isServer() ? "server" : "client");
        }
        return ready;
    }

    /** Answers each line of stdin in turn until it closes (or fails, which counts as closed). */
    private static void answerStdin(CommandTable commands) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                ObjectNode answer = commands.answer(line).block();
                if (answer != null) {
                    Output.print(System.out, answer);
                }
            }
        } catch (IOException e) {
            // stdin is gone: same as closed.
        }
    }

    private static void stop(Host host, Kademlia dht) {
        if (dht != null) {
            dht.close().block(Duration.ofSeconds(5));
        }
        host.stop().block(Duration.ofSeconds(5));
    }
}
