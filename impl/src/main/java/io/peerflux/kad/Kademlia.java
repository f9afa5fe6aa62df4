package io.peerflux.kad;

import io.netty.buffer.ByteBuf;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.LimitExceededException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.Stream;
import io.peerflux.dns.DnsaddrResolver;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Kademlia DHT ({@code /ipfs/kad/1.0.0}, libp2p/specs kad-dht/README.md) attached to a {@link Host}: peer
 * routing, content routing and records, as lazy, cancellable queries.
 *
 * <p>The node's state ({@link KadNode}: routing table, lookups, stores) lives on one single-threaded scheduler; this
 * class binds it to the host: it serves inbound DHT streams (in server mode), carries the node's requests over
 * streams it reuses per peer, feeds it identify results and the time. Every query does nothing until subscribed;
 * cancelling it (or {@code take(n)} completing) stops the lookup and resets its streams in flight.
 */
public final class Kademlia {

    private static final Logger log = LoggerFactory.getLogger(Kademlia.class);
    /** An inbound stream with no request for this long is closed. */
    static final Duration INBOUND_IDLE = Duration.ofMinutes(1);
    /**
     * An answer's closer peers are read up to this many times k; the node keeps the k closest of them (a peer may list
     * more than k, in any order).
     */
    static final int ANSWER_PEERS = 4;
    /**
     * The tag routing-table peers carry in the host's connection manager, so that the peerstore keeps their
     * addresses (and, later, connection trimming spares them).
     */
    public static final String TABLE_TAG = "kad";
    /** The DHT's service scope in the host's resource manager, where its stores reserve their memory. */
    public static final String SERVICE = "kad";
    static final int TABLE_TAG_VALUE = 5;
    /** An outbound stream kept for reuse is closed after this long unused. */
    static final Duration OUTBOUND_IDLE = Duration.ofSeconds(30);

    private final Host host;
    private final KademliaConfig config;
    private final Scheduler loop;
    private final KadNode node;
    private final long startNanos = System.nanoTime();
    private final long startEpochNanos = KadNode.nanos(Instant.now());
    private final Map<Long, Disposable> inflight = new HashMap<>();
    private final Map<PeerId, KadStream> idle = new HashMap<>();
    private final Map<PeerId, AtomicInteger> inbound = new ConcurrentHashMap<>();
    private final Disposable.Composite subscriptions = Disposables.composite();
    private volatile boolean server;
    private Disposable timer;
    private long timerAt = Long.MAX_VALUE;
    /** The peers we tagged, on the node's thread. */
    private final Set<PeerId> tagged = new HashSet<>();
    private long taggedAt = -1;

    private Kademlia(Host host, KademliaConfig config) {
        this.host = host;
        this.config = config;
        this.loop = Schedulers.newSingle("peerflux-kad");
        this.node = new KadNode(host.peerId(), config, new HostNetwork(), new SplittableRandom(), now(),
                host.resourceManager().service(SERVICE));
        this.server = serves(config.mode());
    }

    /**
     * Attaches a DHT node to {@code host}: in server mode it serves and announces {@code config.protocolId()}, and it
     * starts learning peers from the host's connections. Bootstrap peers are dialed by {@link #bootstrap()}.
     */
    public static Kademlia attach(Host host, KademliaConfig config) {
        Kademlia dht = new Kademlia(host, config);
        dht.start();
        return dht;
    }

    private void start() {
        if (server) {
            host.handle(config.protocolId(), this::serve);
        }
        subscriptions.add(host.identifyEvents().subscribe(e -> identified(e.connection(), e.info().protocols())));
        host.connections().forEach(this::watch);
        onLoop(() -> { });
    }

    /** Whether {@code mode} means serving: auto serves once the host listens on a public address. */
    private boolean serves(DhtMode mode) {
        return switch (mode) {
            case SERVER -> true;
            case CLIENT -> false;
            case AUTO -> host.listenAddresses().stream().anyMatch(a -> IpGroups.groupOf(List.of(a)) != null);
        };
    }

    /**
     * Switches to {@code mode}. Serving starts or stops at once, and connected peers learn of it through identify
     * push: they add us to their routing tables, or drop us.
     */
    public synchronized void setMode(DhtMode mode) {
        boolean serve = serves(mode);
        if (serve == server) {
            return;
        }
        server = serve;
        if (serve) {
            host.handle(config.protocolId(), this::serve);
        } else {
            host.unhandle(config.protocolId());
        }
    }

    public KademliaConfig config() {
        return config;
    }

    /** Whether this node serves the DHT (server mode, or auto mode with a public address). */
    public boolean isServer() {
        return server;
    }

    /** Stops serving, abandons every request and frees the node's thread. */
    public Mono<Void> close() {
        return Mono.fromRunnable(() -> {
            if (server) {
                host.unhandle(config.protocolId());
            }
            subscriptions.dispose();
        }).then(Mono.<Void>fromRunnable(() -> {
            tagged.forEach(p -> host.connectionManager().untag(p, TABLE_TAG));
            tagged.clear();
            inflight.values().forEach(Disposable::dispose);
            inflight.clear();
            idle.values().forEach(KadStream::close);
            idle.clear();
            if (timer != null) {
                timer.dispose();
            }
        }).subscribeOn(loop)).doFinally(s -> loop.dispose());
    }

    // ---- queries ----

    /**
     * Connects to the configured bootstrap peers ({@code /dnsaddr} ones resolved first; those that fail are skipped),
     * then runs the self lookup that fills the routing table. Completes when that lookup ends.
     */
    public Mono<Void> bootstrap() {
        return bootstrapAddresses()
                .flatMap(address -> host.connect(address)
                        .flatMap(c -> c.identify().doOnNext(info -> identified(c, info.protocols())))
                        .onErrorResume(e -> {
                            log.debug("bootstrap peer {} failed: {}", address, e.toString());
                            return Mono.empty();
                        }))
                .then(query(KadNode.Kind.CLOSEST, host.peerId().bytes()).then());
    }

    private Flux<Multiaddr> bootstrapAddresses() {
        List<Multiaddr> direct = config.bootstrap().stream().filter(a -> !a.has(Protocol.DNSADDR)).toList();
        List<Multiaddr> named = config.bootstrap().stream().filter(a -> a.has(Protocol.DNSADDR)).toList();
        if (named.isEmpty()) {
            return Flux.fromIterable(direct);
        }
        // Creating a resolver reads the system's resolver configuration from disk: not on an event loop.
        Flux<Multiaddr> resolved = Flux.using(
                () -> config.nameServer() == null ? DnsaddrResolver.create() : DnsaddrResolver.create(config.nameServer()),
                resolver -> Flux.fromIterable(named).flatMap(a -> resolver.resolve(a).onErrorResume(e -> {
                    log.debug("bootstrap address {} did not resolve: {}", a, e.toString());
                    return Flux.empty();
                })),
                DnsaddrResolver::close).subscribeOn(Schedulers.boundedElastic());
        return Flux.concat(Flux.fromIterable(direct), resolved);
    }

    /**
     * A lookup's events as they happen, ending with {@link QueryEvent.Finished}: the view every other query is built
     * on. {@code FIND_NODE}-style lookups take any key bytes.
     */
    public Flux<QueryEvent> query(KadNode.Kind kind, byte[] key) {
        return run(kind, key, null, 0);
    }

    /**
     * Finds {@code peer}'s addresses: from the host's connections and peerstore first, else by a lookup that stops
     * when a peer names it. Fails with {@link NoSuchElementException} when the lookup ends without it.
     */
    public Mono<PeerInfo> findPeer(PeerId peer) {
        return run(KadNode.Kind.FIND_PEER, peer.bytes(), null, 0)
                .ofType(QueryEvent.FinalPeer.class)
                .map(QueryEvent.FinalPeer::peer)
                .next()
                .switchIfEmpty(Mono.error(() -> new NoSuchElementException("peer " + peer + " not found")));
    }

    /** The k peers closest to {@code key} that answered, closest first, when the lookup ends. */
    public Flux<PeerInfo> closestPeers(byte[] key) {
        return run(KadNode.Kind.CLOSEST, key, null, 0).ofType(QueryEvent.FinalPeer.class)
                .map(QueryEvent.FinalPeer::peer);
    }

    /**
     * The providers of {@code cid}'s multihash, each once, as they are found (our own store first); {@code take(n)}
     * ends the lookup.
     */
    public Flux<PeerInfo> findProviders(Cid cid) {
        return findProviders(cid.multihash());
    }

    /** The providers of {@code multihash}, as {@link #findProviders(Cid)}. */
    public Flux<PeerInfo> findProviders(Multihash multihash) {
        return run(KadNode.Kind.PROVIDERS, multihash.bytes(), null, 0).ofType(QueryEvent.ProviderFound.class)
                .map(QueryEvent.ProviderFound::provider);
    }

    /**
     * Announces that this node provides {@code cid}: stored locally, sent to the k closest peers to its multihash,
     * and republished every {@code republishInterval}. Emits how many peers took the record.
     */
    public Mono<Integer> provide(Cid cid) {
        return countStored(run(KadNode.Kind.PROVIDE, cid.multihash().bytes(), null, 0));
    }

    /**
     * Stores {@code value} under {@code key}: validated and stored locally first (an invalid record fails here with
     * {@link IllegalArgumentException}), then sent to the k closest peers. Emits how many accepted it.
     */
    public Mono<Integer> putValue(byte[] key, byte[] value) {
        return Mono.fromCallable(() -> {
            config.validators().validate(key, value, Instant.now());
            return key;
        }).onErrorMap(e -> !(e instanceof IllegalArgumentException),
                e -> new IllegalArgumentException("invalid record: " + e.getMessage(), e))
                .flatMap(k -> countStored(run(KadNode.Kind.PUT_VALUE, key, value, 0)));
    }

    /** Ever-better values for {@code key}, as the lookup finds them (our own store first). */
    public Flux<byte[]> searchValue(byte[] key) {
        return run(KadNode.Kind.GET_VALUE, key, null, 0).ofType(QueryEvent.ValueFound.class)
                .map(QueryEvent.ValueFound::value);
    }

    /**
     * The best value for {@code key} once {@code quorum} peers (our own store counting as one) returned a valid one, or
     * the lookup ended; peers holding an outdated value, or none while among the closest, are sent the best. Fails
     * with {@link NoSuchElementException} when nobody has one.
     */
    public Mono<byte[]> getValue(byte[] key, int quorum) {
        return run(KadNode.Kind.GET_VALUE, key, null, quorum).ofType(QueryEvent.ValueFound.class)
                .map(QueryEvent.ValueFound::value)
                .last()
                .onErrorMap(NoSuchElementException.class, e -> new NoSuchElementException("no value found"));
    }

    /** {@link #getValue(byte[], int)} with a quorum of 16, go-libp2p's default. */
    public Mono<byte[]> getValue(byte[] key) {
        return getValue(key, 16);
    }

    /** The peers in the routing table, bucket by bucket. */
    public Mono<List<PeerId>> routingTable() {
        return Mono.fromCallable(() -> node.routingTable().entries().stream().map(RoutingTable.Entry::peer).toList())
                .subscribeOn(loop);
    }

    private static Mono<Integer> countStored(Flux<QueryEvent> events) {
        return events.ofType(QueryEvent.Stored.class).count().map(Long::intValue);
    }

    private Flux<QueryEvent> run(KadNode.Kind kind, byte[] key, byte[] value, int limit) {
        return Flux.create(sink -> onLoop(() -> {
            if (sink.isCancelled()) {
                return;
            }
            long id;
            try {
                id = node.start(kind, key, value, limit, event -> {
                    sink.next(event);
                    if (event instanceof QueryEvent.Finished) {
                        sink.complete();
                    }
                }, now());
            } catch (LimitExceededException e) {
                sink.error(e);
                return;
            }
            sink.onDispose(() -> onLoop(() -> node.cancel(id, now())));
        }), FluxSink.OverflowStrategy.BUFFER);
    }

    // ---- the node's thread ----

    private long now() {
        return startEpochNanos + (System.nanoTime() - startNanos);
    }

    /** Runs {@code action} on the node's thread, then re-arms the timer for the node's next deadline. */
    private void onLoop(Runnable action) {
        loop.schedule(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("DHT node failed to handle an event", e);
            }
            rearm();
        });
    }

    private void rearm() {
        syncTags();
        long at = node.nextWakeup();
        if (at >= timerAt) {
            return;
        }
        if (timer != null) {
            timer.dispose();
        }
        timerAt = at;
        timer = loop.schedule(() -> {
            timerAt = Long.MAX_VALUE;
            node.tick(now());
            rearm();
        }, Math.max(0, at - now()), TimeUnit.NANOSECONDS);
    }

    /** Tags the routing table's peers and untags those that left it, when the table changed. */
    private void syncTags() {
        if (node.routingTable().changes() == taggedAt) {
            return;
        }
        taggedAt = node.routingTable().changes();
        Set<PeerId> table = new HashSet<>();
        node.routingTable().entries().forEach(e -> table.add(e.peer()));
        for (PeerId p : table) {
            if (tagged.add(p)) {
                host.connectionManager().tag(p, TABLE_TAG, TABLE_TAG_VALUE);
            }
        }
        for (java.util.Iterator<PeerId> it = tagged.iterator(); it.hasNext(); ) {
            PeerId p = it.next();
            if (!table.contains(p)) {
                it.remove();
                host.connectionManager().untag(p, TABLE_TAG);
            }
        }
    }

    // ---- peers ----

    /** A connection opened before we attached: its identify record may have arrived already. */
    private void watch(Connection connection) {
        connection.identify().subscribe(info -> identified(connection, info.protocols()),
                e -> log.debug("no identify from {}: {}", connection, e.toString()));
    }

    private void identified(Connection connection, List<String> protocols) {
        boolean serves = protocols.contains(config.protocolId());
        String group = IpGroups.groupOf(List.of(connection.remoteAddress()));
        PeerId peer = connection.remotePeer();
        onLoop(() -> node.peerIdentified(peer, serves, group, now()));
    }

    // ---- serving ----

    private Publisher<Void> serve(Stream stream) {
        PeerId peer = stream.connection().remotePeer();
        AtomicInteger open = inbound.computeIfAbsent(peer, p -> new AtomicInteger());
        int count = open.incrementAndGet();
        if (count > config.maxInboundStreamsPerPeer()) {
            release(peer, open);
            return Mono.error(LimitExceededException.of("kad inbound streams per peer", count - 1, 1,
                    config.maxInboundStreamsPerPeer()));
        }
        KadFrames frames = new KadFrames(config.maxMessageSize(), config.protocolId());
        Flux<ByteBuf> answers = stream.receive()
                .map(frames::push)
                .timeout(INBOUND_IDLE)
                .concatMapIterable(messages -> messages)
                .concatMap(request -> answer(peer, request))
                .map(KadFrames::frame);
        return stream.send(answers).doFinally(s -> release(peer, open));
    }

    private void release(PeerId peer, AtomicInteger open) {
        if (open.decrementAndGet() == 0) {
            inbound.remove(peer, open);
        }
    }

    /** Decodes and answers one request on the node's thread; empty when the request has no answer. */
    private Mono<byte[]> answer(PeerId peer, byte[] request) {
        return Mono.create(sink -> onLoop(() -> {
            try {
                KadMessage decoded = KadCodec.decode(request, config.k(), config.protocolId());
                KadMessage response = node.handle(peer, decoded, now());
                sink.success(response == null ? null : KadCodec.encode(response));
            } catch (KadRequestException e) {
                sink.error(ProtocolViolationException.stream(config.protocolId(), e.getMessage()));
            } catch (RuntimeException e) {
                sink.error(e);
            }
        }));
    }

    // ---- requests ----

    /** The node's outputs, carried out on the host. Called on the node's thread only. */
    private final class HostNetwork implements KadNode.Network {

        @Override
        public void send(long requestId, PeerInfo peer, KadMessage request, boolean expectsResponse) {
            // The peer's addresses are in the peerstore already: the node passed them to learned() when it heard of it.
            byte[] bytes = KadCodec.encode(request);
            PeerId id = peer.peerId();
            Disposable call = exchange(id, request, bytes, expectsResponse, true)
                    .subscribe(answer -> onLoop(() -> {
                        if (inflight.remove(requestId) != null) {
                            node.responded(requestId, answer.orElse(null), now());
                        }
                    }), e -> onLoop(() -> {
                        log.debug("{} request to {} failed: {}", request.type(), id, e.toString());
                        if (inflight.remove(requestId) != null) {
                            node.requestFailed(requestId, e.toString(), now());
                        }
                    }));
            inflight.put(requestId, call);
        }

        @Override
        public void cancel(long requestId) {
            Disposable call = inflight.remove(requestId);
            if (call != null) {
                call.dispose();
            }
        }

        @Override
        public List<Multiaddr> addresses(PeerId peer) {
            if (peer.equals(host.peerId())) {
                return host.listenAddresses();
            }
            return host.peerstore().addresses(peer);
        }

        @Override
        public void learned(PeerInfo peer, long ttlNanos) {
            host.peerstore().addAddresses(peer.peerId(), peer.addresses(), Duration.ofNanos(ttlNanos));
        }
    }

    private KadMessage checked(KadMessage request, byte[] answer) {
        KadMessage decoded = KadCodec.decode(answer, ANSWER_PEERS * config.k(), config.protocolId());
        if (decoded.type() != request.type()) {
            throw ProtocolViolationException.stream(config.protocolId(),
                    "answered " + request.type() + " with " + decoded.type());
        }
        return decoded;
    }

    /**
     * Sends one request and reads its answer. A stream kept from an earlier request may have been closed by the remote
     * meanwhile (js-libp2p closes after each answer): a failure on such a stream is retried once on a new stream, so
     * it does not count against the peer.
     */
    private Mono<Optional<KadMessage>> exchange(PeerId peer, KadMessage request, byte[] bytes,
                                                boolean expectsResponse, boolean reuse) {
        KadStream kept = reuse ? idle.remove(peer) : null;
        if (kept != null && !kept.usable()) {
            kept.close();
            kept = null;
        }
        Mono<KadStream> stream = kept != null ? Mono.just(kept) : host.newStream(peer, config.protocolId())
                .map(s -> new KadStream(s, config.maxMessageSize(), config.protocolId()));
        boolean reused = kept != null;
        Mono<Optional<KadMessage>> answer = stream.flatMap(s -> s.exchange(bytes, expectsResponse)
                .map(reply -> Optional.of(checked(request, reply)))
                .defaultIfEmpty(Optional.empty())
                .doOnSuccess(reply -> onLoop(() -> keep(peer, s)))
                .doOnError(e -> s.reset())
                .doOnCancel(s::reset));
        return reused ? answer.onErrorResume(e -> exchange(peer, request, bytes, expectsResponse, false)) : answer;
    }

    /** Keeps a stream whose request went well for the next request to its peer; one per peer, for a while. */
    private void keep(PeerId peer, KadStream stream) {
        if (!stream.usable() || idle.containsKey(peer)) {
            stream.close();
            return;
        }
        idle.put(peer, stream);
        loop.schedule(() -> {
            if (idle.remove(peer, stream)) {
                stream.close();
            }
        }, OUTBOUND_IDLE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
