package io.peerflux.host;

import io.netty.channel.Channel;
import io.peerflux.Connection;
import io.peerflux.ConnectionEvent;
import io.peerflux.ConnectionManager;
import io.peerflux.DialException;
import io.peerflux.Direction;
import io.peerflux.HandshakeException;
import io.peerflux.Host;
import io.peerflux.IdentifyEvent;
import io.peerflux.IdentifyInfo;
import io.peerflux.LimitExceededException;
import io.peerflux.Peerstore;
import io.peerflux.Stream;
import io.peerflux.StreamHandler;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multistream.Multistream;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.Muxer;
import io.peerflux.mux.MuxerSession;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.identify.Identify;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.resource.DefaultResourceManager;
import io.peerflux.resource.ResourceManager;
import io.peerflux.security.SecureSession;
import io.peerflux.security.SecureTransport;
import io.peerflux.transport.RawConnection;
import io.peerflux.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The host: upgrades raw connections (multistream-select → secure channel → multistream-select or early muxer
 * negotiation → muxer), keeps the open connections by peer, and dispatches inbound streams to protocol handlers.
 * Identify runs on every new connection; identify, identify push and ping are always served.
 */
final class DefaultHost implements Host {

    private static final Logger log = LoggerFactory.getLogger(DefaultHost.class);

    private final HostConfig config;
    private final PeerId self;
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final List<Transport.Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<PeerId, Set<HostConnection>> connections = new ConcurrentHashMap<>();
    /** Dials under way, one per peer; each removes itself when it ends. */
    private final Map<PeerId, Mono<Connection>> dialing = new ConcurrentHashMap<>();
    private final PeerTags tags = new PeerTags();
    private final MemoryPeerstore peerstore;
    private final Sinks.Many<ConnectionEvent> connectionEvents = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Stream> streamEvents = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<IdentifyEvent> identifyEvents = Sinks.many().multicast().directBestEffort();
    private final Identify identify;
    private final HostResources resources;
    private final UpgradeStages stages;
    private final ConnectionTrimmer trimmer;
    private final Dialer dialer = new Dialer(Schedulers.parallel());
    private volatile boolean stopped;

    DefaultHost(HostConfig config) {
        this.config = config;
        this.self = PeerId.fromPublicKey(config.identity().publicKey());
        this.peerstore = new MemoryPeerstore(System::nanoTime, config.maxPeers(), config.maxPeerstoreBytes(),
                tags::isKept);
        this.identify = new Identify(this, config.identity(), config.agentVersion());
        this.resources = new HostResources(config.resourceLimits() == null ? DefaultResourceManager.disabled()
                : DefaultResourceManager.create(config.resourceLimits()));
        this.stages = new UpgradeStages(config.upgradeSteps(), config.handshakeTimeout());
        this.trimmer = new ConnectionTrimmer(config.connectionManager(), tags, this::hostConnections,
                Schedulers.parallel());
        handlers.put(Ping.PROTOCOL_ID, Ping.handler());
        handlers.put(Identify.PROTOCOL_ID, identify::respond);
        handlers.put(Identify.PUSH_PROTOCOL_ID, stream -> identify.receivePush(stream)
                .doOnNext(info -> identified((HostConnection) stream.connection(), info)).then());
        handlers.putAll(config.handlers());
    }

    @Override
    public PeerId peerId() {
        return self;
    }

    @Override
    public Mono<Void> start() {
        return CryptoWarmUp.of(config)
                .doOnSuccess(v -> trimmer.start())
                .thenMany(Flux.fromIterable(config.listen()))
                .concatMap(address -> transportFor(address, true)
                        .listen(address, config.identity(), this::acceptInbound))
                .doOnNext(listeners::add)
                .then();
    }

    /** An accepted connection: admitted by the resource manager before a byte of it is read, then upgraded. */
    private void acceptInbound(RawConnection raw) {
        if (resources.admit(raw)) {
            upgrade(raw, Direction.INBOUND, null).subscribe(null,
                    e -> log.debug("inbound connection from {} failed: {}", raw.remoteAddress(), e.toString()));
        }
    }

    @Override
    public Mono<Void> stop() {
        stopped = true;
        trimmer.stop();
        List<Mono<Void>> closing = new ArrayList<>();
        listeners.forEach(l -> closing.add(l.close()));
        listeners.clear();
        connections().forEach(c -> closing.add(c.close().onErrorResume(e -> Mono.empty())));
        return Mono.when(closing);
    }

    @Override
    public List<Multiaddr> listenAddresses() {
        return listeners.stream().map(Transport.Listener::address).toList();
    }

    @Override
    public Mono<Connection> connect(Multiaddr address) {
        return Mono.defer(() -> {
            PeerId expected = address.peerIdBytes().map(PeerId::fromBytes).orElse(null);
            Mono<Connection> dial = dialer.recorded(address, expected, dial(address, expected));
            return expected == null ? dial : shared(expected, () -> dial);
        });
    }

    @Override
    public Mono<Connection> connect(PeerId peer) {
        return Mono.defer(() -> shared(peer, () -> {
            List<Multiaddr> addresses = peerstore.addresses(peer);
            if (addresses.isEmpty()) {
                return Mono.error(DialException.noAddresses(peer));
            }
            return dialer.dial(peer, addresses, address -> dial(address, peer));
        }));
    }

    /**
     * The open connection to {@code peer}, else the dial already under way to it, else a new one from {@code dial}:
     * one dial per peer at a time, whoever asks. A caller that cancels leaves the dial running for the others; its
     * connection is kept like any other.
     */
    private Mono<Connection> shared(PeerId peer, Supplier<Mono<Connection>> dial) {
        Connection open = openConnection(peer);
        if (open != null) {
            return Mono.just(open);
        }
        return dialing.computeIfAbsent(peer, p -> {
            AtomicReference<Mono<Connection>> self = new AtomicReference<>();
            // Removed before the outcome reaches anyone: a caller that reacts by connecting again starts a new dial.
            Mono<Connection> once = Mono.defer(dial).doOnTerminate(() -> dialing.remove(p, self.get())).cache();
            self.set(once);
            return once;
        });
    }

    @Override
    public Mono<Stream> newStream(PeerId peer, String... protocols) {
        return connect(peer).flatMap(c -> c.newStream(protocols)).doOnNext(this::emitStream);
    }

    @Override
    public Mono<Stream> newStream(Multiaddr address, String... protocols) {
        return connect(address).flatMap(c -> c.newStream(protocols)).doOnNext(this::emitStream);
    }

    @Override
    public void handle(String protocol, StreamHandler handler) {
        handlers.put(protocol, handler);
        identify.protocolsChanged();
    }

    @Override
    public void unhandle(String protocol) {
        if (handlers.remove(protocol) != null) {
            identify.protocolsChanged();
        }
    }

    @Override
    public Set<String> protocols() {
        return Set.copyOf(handlers.keySet());
    }

    @Override
    public List<Connection> connections() {
        return connections.values().stream().flatMap(Set::stream).map(Connection.class::cast).toList();
    }

    private List<HostConnection> hostConnections() {
        return connections.values().stream().flatMap(Set::stream).toList();
    }

    @Override
    public Flux<ConnectionEvent> connectionEvents() {
        return connectionEvents.asFlux();
    }

    @Override
    public Flux<IdentifyEvent> identifyEvents() {
        return identifyEvents.asFlux();
    }

    @Override
    public Flux<Stream> streams() {
        return streamEvents.asFlux();
    }

    @Override
    public Peerstore peerstore() {
        return peerstore;
    }

    @Override
    public ConnectionManager connectionManager() {
        return tags;
    }

    @Override
    public ResourceManager resourceManager() {
        return resources.manager();
    }

    @Override
    public Mono<Duration> ping(PeerId peer) {
        return connect(peer).flatMap(c -> Ping.ping(c, 1).next());
    }

    @Override
    public String toString() {
        return "Host[" + self + "]";
    }

    // ---- dialing and upgrading ----

    private Connection openConnection(PeerId peer) {
        Set<HostConnection> open = connections.get(peer);
        if (open == null) {
            return null;
        }
        return open.stream().filter(HostConnection::isOpen).findFirst().orElse(null);
    }

    private Mono<Connection> dial(Multiaddr address, PeerId expected) {
        Transport transport;
        try {
            transport = transportFor(address.withoutPeerId(), false);
        } catch (IllegalArgumentException e) {
            return Mono.error(DialException.noTransport(address));
        }
        Duration timeout = config.dialTimeout();
        return stages.dial(expected, address)
                .then(transport.dial(address, timeout, config.identity(), expected))
                .flatMap(raw -> upgrade(raw, Direction.OUTBOUND, expected)
                        .doOnCancel(() -> raw.channel().close()))
                .transform(dial -> Deadline.within(dial, timeout, () -> DialException.timeout(address, timeout)))
                .onErrorMap(e -> !(e instanceof DialException), e -> DialException.failed(address, e))
                .map(Connection.class::cast);
    }

    private Transport transportFor(Multiaddr address, boolean listen) {
        return config.transports().stream()
                .filter(t -> listen ? t.canListen(address) : t.canDial(address))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no transport for " + address));
    }

    /**
     * Secures and multiplexes a raw connection, running the upgrade steps at each stage, then adds it to the host;
     * fails (and closes it) with the typed error of the failing step.
     */
    private Mono<HostConnection> upgrade(RawConnection raw, Direction direction, PeerId expected) {
        Channel channel = raw.channel();
        String id = HostConnection.nextId();
        UpgradeStep.Raw rawStage = stages.isEmpty() ? null : new UpgradeStep.Raw(id, direction, raw.localAddress(),
                raw.remoteAddress(), expected,
                Mono.create(sink -> channel.closeFuture().addListener(f -> sink.success())));
        Mono<HostConnection> muxed = raw.upgraded() != null
                ? transportUpgraded(raw, direction, id, rawStage)
                : secureAndMux(raw, direction, expected, id, rawStage);
        return stages.raw(channel, () -> rawStage)
                .then(muxed)
                .flatMap(connection -> stages.upgraded(channel, connection)
                        .then(Mono.fromCallable(() -> register(connection))))
                .doOnError(e -> channel.close());
    }

    /** Negotiates and runs the secure channel, then negotiates and starts the muxer. */
    private Mono<HostConnection> secureAndMux(RawConnection raw, Direction direction, PeerId expected, String id,
                                             UpgradeStep.Raw rawStage) {
        Channel channel = raw.channel();
        boolean initiator = direction == Direction.OUTBOUND;
        List<String> securityIds = config.security().stream().map(SecureTransport::protocolId).toList();
        List<String> muxerIds = config.muxers().stream().map(Muxer::protocolId).toList();
        return Multistream.negotiate(channel, initiator, securityIds, config.negotiationTimeout())
                .flatMap(securityId -> security(securityId)
                        .secure(channel, initiator, config.identity(), expected, muxerIds)
                        .transform(handshake -> Deadline.within(handshake, config.handshakeTimeout(),
                                () -> HandshakeException.timeout(config.handshakeTimeout())))
                        .flatMap(secured -> stages.secured(channel, () -> new UpgradeStep.Secured(rawStage,
                                        secured.remotePeer(), secured.remoteKey(), securityId))
                                .then(Mono.defer(() -> muxerFor(channel, initiator, secured, muxerIds)))
                                .map(muxerId -> start(raw, direction, id, secured, securityId, muxerId,
                                        inbound -> muxer(muxerId).start(channel, initiator, inbound)))));
    }

    /** A connection its transport secured and multiplexed (QUIC): only the steps and the muxer's start are left. */
    private Mono<HostConnection> transportUpgraded(RawConnection raw, Direction direction, String id,
                                                  UpgradeStep.Raw rawStage) {
        RawConnection.Upgraded done = raw.upgraded();
        Channel channel = raw.channel();
        return stages.secured(channel, () -> new UpgradeStep.Secured(rawStage, done.session().remotePeer(),
                        done.session().remoteKey(), done.security()))
                .then(Mono.create(sink -> channel.eventLoop().execute(() -> {
                    try {
                        sink.success(start(raw, direction, id, done.session(), done.security(), done.muxer(),
                                done::start));
                    } catch (RuntimeException e) {
                        sink.error(e);
                    }
                })));
    }

    private Mono<String> muxerFor(Channel channel, boolean initiator, SecureSession secured, List<String> muxerIds) {
        if (secured.earlyMuxer() != null) {
            return Mono.just(secured.earlyMuxer());
        }
        return Multistream.negotiate(channel, initiator, muxerIds, config.negotiationTimeout());
    }

    private SecureTransport security(String protocolId) {
        return config.security().stream().filter(s -> s.protocolId().equals(protocolId)).findFirst().orElseThrow();
    }

    private Muxer muxer(String protocolId) {
        return config.muxers().stream().filter(m -> m.protocolId().equals(protocolId)).findFirst().orElseThrow();
    }

    /**
     * Starts the muxer; the remote's streams wait in the connection until {@link #register} admits them. Runs on the
     * channel's event loop.
     */
    private HostConnection start(RawConnection raw, Direction direction, String id, SecureSession secured,
                                 String securityId, String muxerId,
                                 Function<Consumer<MuxedStream>, MuxerSession> startMuxer) {
        resources.secured(raw, direction, secured.remotePeer());
        HostConnection connection = new HostConnection(id, self, raw, direction, secured, securityId, muxerId,
                config.negotiationTimeout());
        connection.attach(startMuxer.apply(connection::inbound));
        return connection;
    }

    /** Adds a connection that passed every step to the host. Runs on the channel's event loop. */
    private HostConnection register(HostConnection connection) {
        PeerId remote = connection.remotePeer();
        peerstore.connected(remote);
        peerstore.putPublicKey(remote, connection.remotePublicKey());
        if (connection.direction() == Direction.OUTBOUND) {
            peerstore.addAddresses(remote, List.of(connection.remoteAddress()), Peerstore.CONNECTED_ADDRESS_TTL);
        }
        connections.computeIfAbsent(remote, p -> ConcurrentHashMap.newKeySet()).add(connection);
        manage(connection);
        if (stopped) {
            // Finished upgrading while the host stopped: stop() may not have seen it, so close it here.
            connection.close().subscribe(null, e -> log.debug("closing {} failed: {}", connection, e.toString()));
        }
        emit(new ConnectionEvent(ConnectionEvent.Type.OPENED, connection));
        connection.onClose().onErrorResume(e -> Mono.empty()).subscribe(null, null, () -> closed(connection));
        log.debug("opened {} ({} + {})", connection, connection.security(), connection.muxer());
        identify.exchange(connection).subscribe(info -> identified(connection, info), e -> {
            log.debug("identify with {} failed: {}", connection, e.toString());
            connection.identifyFailed(e);
        });
        connection.admit(muxed -> accept(connection, muxed));
        return connection;
    }

    /** Puts a new connection under the connection manager: the trimmer's count and the idle watch. */
    private void manage(HostConnection connection) {
        connection.opened(trimmer.now());
        trimmer.opened();
        IdleWatch.watch(connection, config.connectionManager(), peer -> tags.isProtected(peer, null));
    }

    private void closed(HostConnection connection) {
        trimmer.closed();
        connections.computeIfPresent(connection.remotePeer(), (p, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
        peerstore.disconnected(connection.remotePeer());
        emit(new ConnectionEvent(ConnectionEvent.Type.CLOSED, connection));
        log.debug("closed {}", connection);
    }

    // ---- inbound streams ----

    private void accept(HostConnection connection, MuxedStream muxed) {
        Multistream.accept(muxed, handlers::containsKey, () -> List.copyOf(handlers.keySet()),
                        config.negotiationTimeout())
                .subscribe(agreed -> {
                    LimitExceededException refused = HostResources.negotiated(muxed, agreed);
                    if (refused != null) {
                        log.debug("inbound stream on {} refused: {}", connection, refused.getMessage());
                        return;
                    }
                    StreamHandler handler = handlers.get(agreed.protocol());
                    ReactiveStream stream = connection.track(new ReactiveStream(muxed, connection, agreed.protocol(),
                            agreed.leftover()));
                    emitStream(stream);
                    serve(stream, handler);
                }, e -> log.debug("inbound stream on {} not negotiated: {}", connection, e.toString()));
    }

    /** Runs a handler: its completion half-closes the stream, its failure resets it. */
    private static void serve(ReactiveStream stream, StreamHandler handler) {
        Publisher<Void> served;
        try {
            served = handler == null ? Mono.error(new IllegalStateException("handler removed")) : handler.handle(stream);
        } catch (RuntimeException e) {
            served = Mono.error(e);
        }
        Mono.from(Flux.from(served).then())
                .subscribe(null, e -> {
                    log.debug("handler for {} on {} failed: {}", stream.protocol(), stream, e.toString());
                    stream.reset().subscribe();
                }, () -> stream.closeWrite().subscribe());
    }

    // ---- events ----

    private void emit(ConnectionEvent event) {
        synchronized (connectionEvents) {
            connectionEvents.tryEmitNext(event);
        }
    }

    private void identified(HostConnection connection, IdentifyInfo info) {
        connection.identified(info);
        synchronized (identifyEvents) {
            identifyEvents.tryEmitNext(new IdentifyEvent(connection, info));
        }
    }

    private void emitStream(Stream stream) {
        synchronized (streamEvents) {
            streamEvents.tryEmitNext(stream);
        }
    }
}
