package io.peerflux.samples.daemon;

import io.peerflux.Host;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.host.HostBuilder;
import io.peerflux.host.Peerflux;
import io.peerflux.kad.DhtMode;
import io.peerflux.kad.Kademlia;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.mplex.Mplex;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.plaintext.Plaintext;
import io.peerflux.security.tls.Tls;
import io.peerflux.transport.quic.Quic;
import io.peerflux.transport.tcp.Tcp;
import io.peerflux.transport.ws.WebSocketTransport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peerflux daemon}: a libp2p host driven through the libp2p daemon control protocol, taking the flags of
 * go-libp2p-daemon's {@code p2pd} (single dash, {@code -flag=value}). When ready it prints p2pd's lines
 * {@code Control socket: <multiaddr>}, {@code Peer ID: <id>} and {@code Peer Addrs:} with one address per line, then
 * runs until SIGTERM or SIGINT.
 */
@Command(name = "daemon", description = "Run a libp2p daemon (p2pd's control protocol and flags); prints "
        + "'Control socket: <multiaddr>' when ready, then runs until SIGTERM.")
public final class DaemonCommand implements Callable<Integer> {

    /** How long the daemon waits for its bootstrap lookup before it is ready (the lookup's own limit is 60 s). */
    static final Duration BOOTSTRAP_TIMEOUT = Duration.ofSeconds(90);

    @Option(names = {"-listen", "--listen"}, paramLabel = "MULTIADDR", defaultValue = "/unix/tmp/p2pd.sock",
            description = "Control socket: /ip4/127.0.0.1/tcp/<port> (0 picks one) or /unix/<path>. Default: "
                    + "${DEFAULT-VALUE}.")
    String listen;

    @Option(names = {"-hostAddrs", "--hostAddrs"}, split = ",", paramLabel = "LIST",
            defaultValue = "/ip4/127.0.0.1/tcp/0", description = "Addresses the host listens on. Default: "
                    + "${DEFAULT-VALUE}.")
    List<String> hostAddrs;

    @Option(names = {"-noListenAddrs", "--noListenAddrs"}, arity = "0..1", description = "Listen on no address.")
    boolean noListenAddrs;

    @Option(names = {"-id", "--id"}, paramLabel = "FILE",
            description = "Identity: a file holding a libp2p protobuf-encoded private key (ed25519, secp256k1, "
                    + "ecdsa or rsa). Default: a new Ed25519 key.")
    Path id;

    @Option(names = {"-noise", "--noise"}, arity = "0..1", description = "Offer Noise.")
    boolean noise;

    @Option(names = {"-tls", "--tls"}, arity = "0..1", description = "Offer TLS 1.3.")
    boolean tls;

    @Option(names = {"-plaintext", "--plaintext"}, arity = "0..1",
            description = "Offer /plaintext/2.0.0 (no encryption: tests only).")
    boolean plaintext;

    @Option(names = {"-muxer", "--muxer"}, split = ",", paramLabel = "LIST", defaultValue = "yamux",
            description = "Stream muxers in preference order: yamux, mplex. Default: ${DEFAULT-VALUE}.")
    List<String> muxers;

    @Option(names = {"-dht", "--dht"}, arity = "0..1",
            description = "Run the Kademlia DHT in auto mode: a server when the host listens on a public address, "
                    + "else a client.")
    boolean dht;

    @Option(names = {"-dhtServer", "--dhtServer"}, arity = "0..1", description = "Run the Kademlia DHT as a server.")
    boolean dhtServer;

    @Option(names = {"-dhtClient", "--dhtClient"}, arity = "0..1",
            description = "Run the Kademlia DHT as a client: it queries but serves no one.")
    boolean dhtClient;

    @Option(names = {"-bootstrapPeers", "--bootstrapPeers"}, split = ",", paramLabel = "LIST",
            description = "DHT peers to connect to at start (multiaddrs ending in /p2p/<id>); the daemon is ready once "
                    + "its first lookup through them ended.")
    List<String> bootstrapPeers = List.of();

    @Option(names = {"-pubsub", "--pubsub"}, arity = "0..1", description = "Not built yet: warned about and ignored.")
    boolean pubsub;

    @Option(names = {"-pubsubRouter", "--pubsubRouter"}, paramLabel = "ROUTER",
            description = "gossipsub or floodsub. Not built yet: warned about and ignored.")
    String pubsubRouter;

    @Option(names = {"-relay", "--relay"}, arity = "0..1", description = "Not built yet: warned about and ignored.")
    boolean relay;

    @Override
    public Integer call() throws Exception {
        warnAboutMissingFeatures(System.err);
        Host host = hostBuilder().build();
        host.start().block(Duration.ofSeconds(30));
        Kademlia kademlia = dhtMode().map(mode -> Kademlia.attach(host, KademliaConfig.defaults().withMode(mode)
                .withBootstrap(bootstrapPeers.stream().map(Multiaddr::of).toList()))).orElse(null);
        ControlServer control;
        try {
            if (kademlia != null && !bootstrapPeers.isEmpty()) {
                kademlia.bootstrap().block(BOOTSTRAP_TIMEOUT);
            }
            control = ControlServer.start(host, kademlia, Multiaddr.of(listen)).block(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            stop(host, kademlia);
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            control.close().block(Duration.ofSeconds(5));
            stop(host, kademlia);
            stopped.countDown();
        }, "daemon-shutdown"));
        System.out.println("Control socket: " + control.address());
        System.out.println("Peer ID: " + host.peerId());
        System.out.println("Peer Addrs:");
        host.listenAddresses().forEach(System.out::println);
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** p2pd's precedence: -dht, then -dhtClient, then -dhtServer; empty when none is set. */
    Optional<DhtMode> dhtMode() {
        if (dht) {
            return Optional.of(DhtMode.AUTO);
        }
        if (dhtClient) {
            return Optional.of(DhtMode.CLIENT);
        }
        return dhtServer ? Optional.of(DhtMode.SERVER) : Optional.empty();
    }

    private static void stop(Host host, Kademlia kademlia) {
        if (kademlia != null) {
            kademlia.close().block(Duration.ofSeconds(5));
        }
        host.stop().block(Duration.ofSeconds(5));
    }

    HostBuilder hostBuilder() throws Exception {
        HostBuilder builder = Peerflux.host()
                .identity(id == null ? PrivateKey.generateEd25519() : PrivateKey.unmarshal(Files.readAllBytes(id)))
                .transport(Tcp.create())
                .transport(WebSocketTransport.create())
                .transport(Quic.create());
        boolean anySecurity = noise || tls || plaintext;
        if (noise || !anySecurity) {
            builder.security(Noise.create());
        }
        if (tls || !anySecurity) {
            builder.security(Tls.create());
        }
        if (plaintext) {
            builder.security(Plaintext.create());
        }
        for (String muxer : muxers) {
            switch (muxer) {
                case "yamux" -> builder.muxer(Yamux.create());
                case "mplex" -> builder.muxer(Mplex.create());
                default -> throw new IllegalArgumentException("unsupported muxer: " + muxer);
            }
        }
        if (!noListenAddrs) {
            builder.listen(hostAddrs.stream().map(Multiaddr::of).toArray(Multiaddr[]::new));
        }
        return builder;
    }

    private void warnAboutMissingFeatures(PrintStream err) {
        List<String> ignored = new ArrayList<>();
        if (pubsub || pubsubRouter != null) {
            ignored.add("pubsub (-pubsub/-pubsubRouter): PUBSUB requests will be answered with an error");
        }
        if (relay) {
            ignored.add("circuit relay (-relay)");
        }
        ignored.forEach(feature -> err.println("peerflux daemon: warning: not built yet, ignored: " + feature));
    }
}
