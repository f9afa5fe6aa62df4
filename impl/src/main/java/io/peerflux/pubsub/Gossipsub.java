package io.peerflux.pubsub;

import io.peerflux.Connection;
import io.peerflux.Direction;
import io.peerflux.Host;
import io.peerflux.LimitExceededException;
import io.peerflux.Stream;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Publish/subscribe over gossipsub (and floodsub) attached to a {@link Host}: the {@link GossipsubRouter} state
 * machine, run on one thread of its own, bound to the host's streams.
 *
 * <p>Peers are found through identify (a peer announcing one of the configured protocols) and through their inbound
 * pubsub streams. Each peer gets one long-lived outbound stream, in the newest protocol both speak, fed from a
 * bounded {@link OutboundQueue} as fast as the stream takes bytes; its inbound stream (one at a time) is read with
 * {@link PubsubFrames}, one RPC in the router at a time. A malformed RPC resets that inbound stream only. Pubsub
 * streams are exempt from the host's idle stream timeout ({@link Stream#keepWhenIdle()}): on a quiet topic they carry
 * nothing for long stretches, and end with their connection. Mesh peers are tagged {@link #MESH_TAG} in the
 * connection manager.
 */
public final class Gossipsub {

    private static final Logger log = LoggerFactory.getLogger(Gossipsub.class);

    /** The connection-manager tag mesh peers carry while in the mesh of any topic. */
    public static final String MESH_TAG = "pubsub-mesh";

    /**
     * Drop counters since the service started.
     *
     * @param subscriberDrops messages a slow subscriber did not get (buffer full)
     * @param queueFullDrops RPCs not sent because a peer's outbound queue was full
     * @param staleForwardDrops forwards not sent because they waited past the forward deadline
     */
    public record Stats(long subscriberDrops, long queueFullDrops, long staleForwardDrops) {}

    /** One peer's pubsub streams and queue. Confined to the router's thread. */
    private static final class Peer {
        final PeerId id;
        final OutboundQueue queue;
        boolean added;
        Stream outbound;
        Stream inbound;
        FluxSink<byte[]> writer;
        long demand;

        Peer(PeerId id, OutboundQueue queue) {
            this.id = id;
            this.queue = queue;
        }
    }

    private final Host host;
    private final GossipsubServiceConfig config;
    private final Scheduler loop;
    private final GossipsubRouter router;
    private final String[] protocolIds;
    private final long startNanos = System.nanoTime();
    private final long startEpochNanos = epochNanos(Instant.now());
    private final Disposable.Composite subscriptions = Disposables.composite();
    private final AtomicLong subscriberDrops = new AtomicLong();
    // The router's thread only:
    private final Map<PeerId, Peer> peers = new HashMap<>();
    private final Map<String, List<FluxSink<PubsubMessage>>> subscribers = new HashMap<>();
    private final Set<PeerId> tagged = new HashSet<>();
    private long queueFullDrops;
    private long staleForwardDrops;
    private boolean closed;

    private Gossipsub(Host host, PrivateKey key, GossipsubServiceConfig config) {
        if (!PeerId.fromPublicKey(key.publicKey()).equals(host.peerId())) {
            throw new IllegalArgumentException("the key is not the host's");
        }
        this.host = host;
        this.config = config;
        this.loop = Schedulers.newSingle("peerflux-pubsub");
        this.router = new GossipsubRouter(key, config.router(), PeerScore.NONE, new SplittableRandom(), now());
        this.protocolIds = config.protocols().stream().map(PubsubProtocol::id).toArray(String[]::new);
    }

    /**
     * Attaches pubsub to {@code host}: serves the configured protocols, and starts finding pubsub peers among the
     * host's connections.
     *
     * @param key the host's private key: signs our messages under {@link SignaturePolicy#STRICT_SIGN}
     */
    public static Gossipsub attach(Host host, PrivateKey key, GossipsubServiceConfig config) {
        Gossipsub pubsub = new Gossipsub(host, key, config);
        pubsub.start();
        return pubsub;
    }

    private void start() {
        for (String id : protocolIds) {
            host.handle(id, this::serve);
        }
        subscriptions.add(host.identifyEvents().subscribe(e -> identified(e.connection(), e.info().protocols())));
        for (Connection c : host.connections()) {
            c.identify().subscribe(info -> identified(c, info.protocols()),
                    e -> log.debug("no identify from {}: {}", c, e.toString()));
        }
        long interval = config.router().heartbeatInterval().toNanos();
        subscriptions.add(loop.schedulePeriodically(this::heartbeat, interval, interval, TimeUnit.NANOSECONDS));
    }

    public GossipsubServiceConfig config() {
        return config;
    }

    /**
     * The messages published to {@code topic}, from the time of subscribing. Cold: the first subscriber of a topic
     * joins it, the last to cancel leaves it. Each subscription has its own buffer of
     * {@link GossipsubServiceConfig#subscriberBuffer()} messages and overflow policy, and receives on the delivery
     * scheduler, so a slow subscriber loses only its own messages.
     *
     * <p>Discard Support: with {@link GossipsubServiceConfig.Overflow#DROP_OLDEST} or {@code DROP_NEWEST}, dropped
     * messages are counted in {@link Stats#subscriberDrops()}; with {@code ERROR}, the subscription ends with a
     * {@link LimitExceededException} once it has taken the messages buffered before the overflow.
     */
    public Flux<PubsubMessage> subscribe(String topic) {
        Flux<PubsubMessage> source = Flux.create(sink -> onLoop(() -> {
            if (closed) {
                sink.complete();
                return;
            }
            List<FluxSink<PubsubMessage>> sinks = subscribers.computeIfAbsent(topic, t -> new ArrayList<>());
            sinks.add(sink);
            if (sinks.size() == 1) {
                router.subscribe(topic, now());
                dispatch(router.drain(), OutboundQueue.Lane.FORWARD);
            }
            sink.onDispose(() -> onLoop(() -> leave(topic, sink)));
        }));
        int buffer = config.subscriberBuffer();
        Flux<PubsubMessage> buffered = switch (config.overflow()) {
            case DROP_OLDEST -> source.onBackpressureBuffer(buffer, m -> subscriberDrops.incrementAndGet(),
                    BufferOverflowStrategy.DROP_OLDEST);
            case DROP_NEWEST -> source.onBackpressureBuffer(buffer, m -> subscriberDrops.incrementAndGet(),
                    BufferOverflowStrategy.DROP_LATEST);
            case ERROR -> source.onBackpressureBuffer(buffer, m -> { }, BufferOverflowStrategy.ERROR)
                    .onErrorMap(Exceptions::isOverflow,
                            e -> LimitExceededException.of("pubsub subscriber buffer", buffer, 1, buffer));
        };
        return buffered.publishOn(config.deliveryScheduler(), 1);
    }

    private void leave(String topic, FluxSink<PubsubMessage> sink) {
        List<FluxSink<PubsubMessage>> sinks = subscribers.get(topic);
        if (sinks != null && sinks.remove(sink) && sinks.isEmpty()) {
            subscribers.remove(topic);
            if (!closed) {
                router.unsubscribe(topic, now());
                dispatch(router.drain(), OutboundQueue.Lane.FORWARD);
            }
        }
    }

    /**
     * Publishes {@code data} to {@code topic}, signed or not as the router's signature policy says. Lazy: nothing
     * happens until subscribed. Fails with {@link NoPubsubPeersException} when no peer subscribes to the topic (unless
     * configured otherwise), {@link LimitExceededException} when {@code data} is over the router's
     * {@code maxMessageSize}.
     *
     * <p>Ownership: {@code data} is copied when this method is called; the caller may reuse the array.
     */
    public Mono<PublishResult> publish(String topic, byte[] data) {
        byte[] copy = data.clone();
        return Mono.create(sink -> onLoop(() -> {
            if (closed) {
                sink.error(new IllegalStateException("pubsub closed"));
                return;
            }
            if (!config.publishWithoutPeers() && router.topicPeers(topic).isEmpty()) {
                sink.error(new NoPubsubPeersException(topic));
                return;
            }
            MessageId id;
            try {
                id = router.publish(topic, copy, now());
            } catch (LimitExceededException | IllegalStateException e) {
                sink.error(e);
                return;
            }
            GossipsubRouter.Output out = router.drain();
            Set<PeerId> to = new LinkedHashSet<>();
            out.sends().stream().filter(s -> !s.rpc().messages().isEmpty()).forEach(s -> to.add(s.peer()));
            dispatch(out, OutboundQueue.Lane.PUBLISH);
            sink.success(new PublishResult(id, List.copyOf(to)));
        }));
    }

    /** The peers in our mesh of {@code topic}, now. */
    public Mono<Set<PeerId>> meshPeers(String topic) {
        return Mono.fromCallable(() -> router.meshPeers(topic)).subscribeOn(loop);
    }

    /** The connected peers that subscribe to {@code topic}, now. */
    public Mono<Set<PeerId>> topicPeers(String topic) {
        return Mono.fromCallable(() -> router.topicPeers(topic)).subscribeOn(loop);
    }

    /** The drop counters, now. */
    public Mono<Stats> stats() {
        return Mono.fromCallable(() -> new Stats(subscriberDrops.get(), queueFullDrops, staleForwardDrops))
                .subscribeOn(loop);
    }

    /** Stops serving pubsub, ends every subscription and stream, and frees the router's thread. */
    public Mono<Void> close() {
        return Mono.<Void>fromRunnable(() -> {
            for (String id : protocolIds) {
                host.unhandle(id);
            }
            subscriptions.dispose();
        }).then(Mono.<Void>fromRunnable(() -> {
            closed = true;
            tagged.forEach(p -> host.connectionManager().untag(p, MESH_TAG));
            tagged.clear();
            for (Peer p : new ArrayList<>(peers.values())) {
                gone(p, "pubsub closed");
            }
            new ArrayList<>(subscribers.values()).forEach(sinks -> new ArrayList<>(sinks).forEach(FluxSink::complete));
        }).subscribeOn(loop)).doFinally(s -> loop.dispose());
    }

    // ---- the router's thread ----

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private long now() {
        return startEpochNanos + (System.nanoTime() - startNanos);
    }

    private void onLoop(Runnable action) {
        try {
            loop.schedule(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.warn("pubsub failed to handle an event", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("pubsub closed: event dropped");
        }
    }

    private void heartbeat() {
        try {
            router.heartbeat(now());
            dispatch(router.drain(), OutboundQueue.Lane.FORWARD);
            syncTags();
        } catch (RuntimeException e) {
            log.warn("pubsub heartbeat failed", e);
        }
    }

    /** Queues the router's RPCs, control apart from messages, and hands deliveries to subscribers. */
    private void dispatch(GossipsubRouter.Output out, OutboundQueue.Lane messageLane) {
        long now = now();
        for (GossipsubRouter.Send send : out.sends()) {
            Peer p = peers.get(send.peer());
            if (p == null) {
                continue;
            }
            Rpc rpc = send.rpc();
            if (!rpc.subscriptions().isEmpty() || rpc.hasControl()) {
                Rpc control = new Rpc(rpc.subscriptions(), List.of(), rpc.ihave(), rpc.iwant(), rpc.graft(),
                        rpc.prune(), rpc.idontwant());
                p.queue.offer(OutboundQueue.Lane.CONTROL, PubsubCodec.encode(control), now);
            }
            if (!rpc.messages().isEmpty()) {
                p.queue.offer(messageLane, PubsubCodec.encode(Rpc.ofMessages(rpc.messages())), now);
            }
            pump(p);
        }
        for (GossipsubRouter.Delivery d : out.deliveries()) {
            List<FluxSink<PubsubMessage>> sinks = subscribers.get(d.message().topic());
            if (sinks != null) {
                PubsubMessage m = new PubsubMessage(d.id(), d.message(), d.receivedFrom());
                sinks.forEach(s -> s.next(m));
            }
        }
        for (GossipsubRouter.Event e : out.events()) {
            log.debug("pubsub: {}", e);
        }
    }

    /** Writes queued RPCs to the peer's stream as far as the stream asked for them. */
    private void pump(Peer p) {
        long now = now();
        long full = p.queue.droppedFull;
        long stale = p.queue.droppedStale;
        while (p.writer != null && p.demand > 0) {
            byte[] rpc = p.queue.poll(now);
            if (rpc == null) {
                break;
            }
            p.demand--;
            p.writer.next(rpc);
        }
        queueFullDrops += p.queue.droppedFull - full;
        staleForwardDrops += p.queue.droppedStale - stale;
        p.queue.droppedFull = 0;
        p.queue.droppedStale = 0;
    }

    /** Tags the peers in our meshes and untags those that left them. */
    private void syncTags() {
        Set<PeerId> mesh = new HashSet<>();
        subscribers.keySet().forEach(topic -> mesh.addAll(router.meshPeers(topic)));
        for (PeerId p : mesh) {
            if (tagged.add(p)) {
                host.connectionManager().tag(p, MESH_TAG, config.meshTagValue());
            }
        }
        tagged.removeIf(p -> {
            if (mesh.contains(p)) {
                return false;
            }
            host.connectionManager().untag(p, MESH_TAG);
            return true;
        });
    }

    // ---- peers ----

    private void identified(Connection connection, List<String> protocols) {
        for (String id : protocolIds) {
            if (protocols.contains(id)) {
                onLoop(() -> peer(connection.remotePeer()));
                return;
            }
        }
    }

    /** The peer's state, opening our outbound stream to it when new; null when at the router's peer limit. */
    private Peer peer(PeerId id) {
        Peer known = peers.get(id);
        if (known != null || closed) {
            return known;
        }
        if (peers.size() >= config.router().maxPeers()) {
            log.debug("pubsub: {} peers already, ignoring {}", peers.size(), id);
            return null;
        }
        Peer p = new Peer(id, new OutboundQueue(config.outboundQueueBytes(), config.forwardDeadline().toNanos()));
        peers.put(id, p);
        host.newStream(id, protocolIds).subscribe(s -> onLoop(() -> outboundOpened(p, s)),
                e -> onLoop(() -> gone(p, "no pubsub stream: " + e)));
        return p;
    }

    private void outboundOpened(Peer p, Stream stream) {
        if (peers.get(p.id) != p) {
            stream.reset().subscribe(null, e -> { });
            return;
        }
        stream.keepWhenIdle();
        p.outbound = stream;
        if (!added(p, stream)) {
            return;
        }
        Flux<byte[]> rpcs = Flux.create(sink -> onLoop(() -> {
            p.writer = sink;
            sink.onRequest(n -> onLoop(() -> {
                p.demand = Math.min(Long.MAX_VALUE - n, p.demand) + n;
                pump(p);
            }));
        }));
        stream.send(rpcs.map(PubsubFrames::frame)).subscribe(null,
                e -> onLoop(() -> gone(p, "outbound stream failed: " + e)),
                () -> onLoop(() -> gone(p, "outbound stream ended")));
        stream.onClose().subscribe(null, e -> onLoop(() -> gone(p, "outbound stream closed: " + e)),
                () -> onLoop(() -> gone(p, "outbound stream closed")));
    }

    /** Adds the peer to the router once, in the protocol of its first stream; false when the router refused it. */
    private boolean added(Peer p, Stream stream) {
        if (p.added) {
            return true;
        }
        PubsubProtocol protocol = protocolOf(stream.protocol());
        boolean outbound = stream.connection().direction() == Direction.OUTBOUND;
        if (!router.addPeer(p.id, protocol, outbound)) {
            gone(p, "router at its peer limit");
            return false;
        }
        p.added = true;
        dispatch(router.drain(), OutboundQueue.Lane.FORWARD);
        return true;
    }

    private void gone(Peer p, String why) {
        if (!peers.remove(p.id, p)) {
            return;
        }
        log.debug("pubsub peer {} gone: {}", p.id, why);
        if (p.added) {
            router.removePeer(p.id, now());
            dispatch(router.drain(), OutboundQueue.Lane.FORWARD);
        }
        if (p.writer != null) {
            p.writer.complete();
        }
        for (Stream s : new Stream[] {p.outbound, p.inbound}) {
            if (s != null) {
                s.reset().subscribe(null, e -> { });
            }
        }
        if (tagged.remove(p.id)) {
            host.connectionManager().untag(p.id, MESH_TAG);
        }
    }

    private static PubsubProtocol protocolOf(String id) {
        for (PubsubProtocol p : PubsubProtocol.values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("not a pubsub protocol: " + id);
    }

    // ---- inbound ----

    /**
     * Reads one peer's inbound stream: RPCs framed and decoded on the stream's thread, handled one at a time on the
     * router's. A newer inbound stream from the same peer replaces this one. Bad input fails the returned publisher,
     * which resets this stream only.
     */
    private Publisher<Void> serve(Stream stream) {
        PeerId id = stream.connection().remotePeer();
        stream.keepWhenIdle();
        onLoop(() -> {
            Peer p = peer(id);
            if (p == null || !added(p, stream)) {
                stream.reset().subscribe(null, e -> { });
                return;
            }
            if (p.inbound != null && p.inbound != stream) {
                p.inbound.reset().subscribe(null, e -> { });
            }
            p.inbound = stream;
        });
        PubsubFrames frames = new PubsubFrames(config.router().maxRpcSize(), stream.protocol());
        PubsubCodec.Limits limits = config.router().codecLimits();
        return stream.receive()
                .map(frames::push)
                .concatMapIterable(rpcs -> rpcs)
                .map(bytes -> PubsubCodec.decode(bytes, limits, stream.protocol()))
                .concatMap(rpc -> Mono.<Void>create(done -> onLoop(() -> {
                    handle(id, rpc);
                    done.success();
                })), 1)
                .then()
                .doOnError(e -> log.debug("pubsub stream from {} ended: {}", id, e.toString()));
    }

    private void handle(PeerId from, Rpc rpc) {
        if (closed) {
            return;
        }
        router.handleRpc(from, rpc, now());
        dispatch(router.drain(), OutboundQueue.Lane.FORWARD);
    }
}
