package io.peerflux.samples.cli;

import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.protocol.echo.Echo;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sends random bytes over /echo/1.0.0 and checks the reply. */
@Command(name = "echo", description = "Send N random bytes over /echo/1.0.0, verify the reply; prints "
        + "{\"bytes\":N,\"millis\":…}.")
final class EchoCommand implements Callable<Integer> {

    private static final int CHUNK = 64 * 1024;

    @Mixin
    HostOptions options;

    @Parameters(paramLabel = "MULTIADDR", description = "The peer's address.")
    String address;

    @Option(names = "--bytes", required = true, description = "How many bytes to send.")
    int bytes;

    @Override
    public Integer call() throws Exception {
        byte[] payload = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(payload);
        Host host = options.build();
        try {
            var connection = host.connect(Multiaddr.of(address)).block();
            long start = System.nanoTime();
            long echoed = Echo.echo(connection, payload, CHUNK).block();
            double millis = (System.nanoTime() - start) / 1e6;
            Output.print(System.out, Output.object().put("bytes", echoed).put("millis", millis));
            return 0;
        } finally {
            host.stop().block();
        }
    }
}
