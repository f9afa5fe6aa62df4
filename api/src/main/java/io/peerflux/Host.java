package io.peerflux;

import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.resource.ResourceManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A libp2p node: an identity, the transports it listens and dials on, the protocols it serves, and its
 * connections. Nothing here blocks; every operation is lazy until subscribed.
 */
public interface Host {

    PeerId peerId();

    /**
     * Starts listening on the configured addresses, after running each secure channel's handshake once in memory so
     * that the cryptography it needs is loaded before the host meets a peer (see {@code docs/limits.md}).
     */
    Mono<Void> start();

    /** Closes every connection and listener. */
    Mono<Void> stop();

    /** The addresses this host listens on (resolved ports, without {@code /p2p}). */
    List<Multiaddr> listenAddresses();

    /**
     * Connects to {@code address}, reusing an open connection to the same peer when the address names one
     * ({@code /p2p/...}) and one exists. Fails with {@link DialException} naming the address and the cause.
     */
    Mono<Connection> connect(Multiaddr address);

    /** Connects to a peer by id, reusing an open connection or dialing its known addresses in turn. */
    Mono<Connection> connect(PeerId peer);

    /** Opens a stream to {@code peer} (connecting if needed) and negotiates the first supported protocol. */
    Mono<Stream> newStream(PeerId peer, String... protocols);

    /** Opens a stream to the peer at {@code address} (connecting if needed). */
    Mono<Stream> newStream(Multiaddr address, String... protocols);

    /** Serves {@code protocol} with {@code handler}, replacing any previous handler for it. */
    void handle(String protocol, StreamHandler handler);

    /** Stops serving {@code protocol}. */
    void unhandle(String protocol);

    /** The protocols this host serves. */
    Set<String> protocols();

    /** The open connections. */
    List<Connection> connections();

    /** Connection opened/closed events, as they happen (hot). */
    Flux<ConnectionEvent> connectionEvents();

    /**
     * Identify records as they arrive (hot): the first of each connection, then each one the peer pushes, e.g. when
     * it starts or stops serving a protocol.
     */
    Flux<IdentifyEvent> identifyEvents();

    /** Inbound and outbound stream opened events, as they happen (hot). */
    Flux<Stream> streams();

    Peerstore peerstore();

    /**
     * The resource manager's limits and what each scope (system, transient, peer, protocol) holds now; see
     * {@link ResourceManager}. A host built without one answers {@link ResourceManager#enabled()} {@code false}.
     */
    ResourceManager resourceManager();

    /** Tags and protections that say what each peer is worth to this host's services. */
    ConnectionManager connectionManager();

    /** Measures one round trip of {@code /ipfs/ping/1.0.0} to {@code peer}. */
    Mono<Duration> ping(PeerId peer);
}
