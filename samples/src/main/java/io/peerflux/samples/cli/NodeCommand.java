package io.peerflux.samples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs a node until SIGTERM or until stdin closes. */
@Command(name = "node", description = "Start a node; prints {\"peerId\",\"addrs\",\"protocols\"} first, then runs "
        + "until SIGTERM or stdin closes.")
final class NodeCommand implements Callable<Integer> {

    @Mixin
    HostOptions options;

    @Option(names = "--listen", paramLabel = "MULTIADDR", defaultValue = "/ip4/127.0.0.1/tcp/0",
            description = "Address to listen on (repeatable). Default: ${DEFAULT-VALUE}.")
    List<String> listen;

    @Option(names = "--protocols", split = ",", paramLabel = "LIST", defaultValue = "echo",
            description = "Extra protocols to serve besides identify and ping (supported: echo; perf, which sends "
                    + "up to 16 GiB per request to anyone who asks). Default: ${DEFAULT-VALUE}.")
    List<String> protocols;

    @Option(names = "--ignore-stdin", description = "Keep running when stdin closes (to run in the background).")
    boolean ignoreStdin;

    @Override
    public Integer call() throws Exception {
        Host host = options.builder(protocols)
                .listen(listen.stream().map(Multiaddr::of).toArray(Multiaddr[]::new))
                .build();
        host.start().block();
        ObjectNode ready = Output.object().put("peerId", host.peerId().toString());
        ArrayNode addrs = ready.putArray("addrs");
        host.listenAddresses().forEach(a -> addrs.add(a + "/p2p/" + host.peerId()));
        ArrayNode served = ready.putArray("protocols");
        host.protocols().stream().sorted().forEach(served::add);
        Output.print(System.out, ready);

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            host.stop().block(Duration.ofSeconds(5));
        }));
        if (!ignoreStdin) {
            Thread watcher = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // Input is ignored; only its end matters.
                    }
                } catch (java.io.IOException e) {
                    // stdin is gone: same as closed.
                }
                stop.countDown();
            }, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }
        stop.await();
        host.stop().block(Duration.ofSeconds(5));
        return 0;
    }
}
