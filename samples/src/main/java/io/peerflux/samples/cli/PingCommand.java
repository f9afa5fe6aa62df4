package io.peerflux.samples.cli;

import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.protocol.ping.Ping;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Pings a peer over one stream. */
@Command(name = "ping", description = "Ping a peer; prints {\"rttMillis\":…} per ping.")
final class PingCommand implements Callable<Integer> {

    @Mixin
    HostOptions options;

    @Parameters(paramLabel = "MULTIADDR", description = "The peer's address, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…")
    String address;

    @Option(names = "--count", defaultValue = "1", description = "Number of pings. Default: ${DEFAULT-VALUE}.")
    int count;

    @Override
    public Integer call() throws Exception {
        Host host = options.build();
        try {
            host.connect(Multiaddr.of(address))
                    .flatMapMany(connection -> Ping.ping(connection, count))
                    .doOnNext(rtt -> Output.print(System.out,
                            Output.object().put("rttMillis", rtt.toNanos() / 1e6)))
                    .blockLast();
            return 0;
        } finally {
            host.stop().block();
        }
    }
}
