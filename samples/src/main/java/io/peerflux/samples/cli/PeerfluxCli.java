package io.peerflux.samples.cli;

import io.peerflux.samples.daemon.DaemonCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code peerflux} command-line tool. Every subcommand prints JSON on stdout, one object per line, and human
 * messages on stderr; it exits 0 on success and non-zero with a message on failure.
 */
@Command(name = "peerflux", mixinStandardHelpOptions = true, version = "peerflux " + io.peerflux.host.Peerflux.VERSION,
        description = "libp2p for the JVM: run a node or a p2pd-compatible daemon, ping, identify, echo and perf a peer, "
                + "or query the DHT.",
        subcommands = {NodeCommand.class, PingCommand.class, IdentifyCommand.class, EchoCommand.class, PerfCommand.class,
            DhtCommand.class, DaemonCommand.class})
public final class PeerfluxCli {

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new PeerfluxCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("peerflux: " + Output.describe(e));
            return 1;
        });
        return cli.execute(args);
    }
}
