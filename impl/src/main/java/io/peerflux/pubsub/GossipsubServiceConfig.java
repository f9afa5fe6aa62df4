package io.peerflux.pubsub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How {@link Gossipsub} binds its router to a host. Immutable: every {@code withX} returns a checked copy.
 *
 * <p>Defaults ({@link #defaults()}):
 * <ul>
 *   <li>router: {@link GossipsubConfig#defaults()}.</li>
 *   <li>protocols: gossipsub v1.2, v1.1, v1.0 and floodsub, served all and offered in that order, so each peer is
 *       spoken to in the newest both speak.</li>
 *   <li>subscriber buffer 1,024 messages per subscription, then {@link Overflow#DROP_OLDEST}: a subscriber that does
 *       not keep up loses its oldest messages (counted in {@link Gossipsub.Stats#subscriberDrops()}) and never slows
 *       the router or other subscribers.</li>
 *   <li>delivery scheduler {@link Schedulers#parallel()}: where subscribers' {@code onNext} runs (never the router's
 *       thread). Do not block there; {@code publishOn} a blocking-friendly scheduler instead.</li>
 *   <li>publishing to a topic no peer subscribes to fails with {@link NoPubsubPeersException}.</li>
 *   <li>outbound queue 4 MiB of encoded RPCs per peer (at least the router's {@code maxRpcSize}), in three lanes sent in
 *       order: control (subscriptions, GRAFT, PRUNE, IHAVE, IWANT, IDONTWANT), our own publishes, forwards. When full,
 *       forwards are dropped first, oldest first; then what does not fit is dropped. Forwards queued longer than
 *       1 s (rust-libp2p's forward queue duration) are dropped when their turn comes: gossip repairs the loss.</li>
 *   <li>mesh tag value 10: mesh peers carry {@link Gossipsub#MESH_TAG} in the connection manager, so trimming
 *       spares them.</li>
 * </ul>
 */
public final class GossipsubServiceConfig {

    /** What a subscription does when its buffer is full and another message arrives. */
    public enum Overflow {
        /** Drop the oldest buffered message and keep the new one. */
        DROP_OLDEST,
        /** Drop the new message. */
        DROP_NEWEST,
        /** End the subscription with a {@link io.peerflux.LimitExceededException}. */
        ERROR
    }

    private static final GossipsubServiceConfig DEFAULTS = new GossipsubServiceConfig(GossipsubConfig.defaults(),
            List.of(PubsubProtocol.values()), 1024, Overflow.DROP_OLDEST, Schedulers.parallel(), false, 4 << 20,
            Duration.ofSeconds(1), 10);

    private final GossipsubConfig router;
    private final List<PubsubProtocol> protocols;
    private final int subscriberBuffer;
    private final Overflow overflow;
    private final Scheduler deliveryScheduler;
    private final boolean publishWithoutPeers;
    private final int outboundQueueBytes;
    private final Duration forwardDeadline;
    private final int meshTagValue;

    private GossipsubServiceConfig(GossipsubConfig router, List<PubsubProtocol> protocols, int subscriberBuffer,
                                   Overflow overflow, Scheduler deliveryScheduler, boolean publishWithoutPeers,
                                   int outboundQueueBytes, Duration forwardDeadline, int meshTagValue) {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no pubsub protocol");
        }
        if (subscriberBuffer < 1) {
            throw new IllegalArgumentException("subscriberBuffer must be positive: " + subscriberBuffer);
        }
        if (outboundQueueBytes < router.maxRpcSize()) {
            throw new IllegalArgumentException("outboundQueueBytes " + outboundQueueBytes + " below maxRpcSize "
                    + router.maxRpcSize());
        }
        if (forwardDeadline.isNegative() || forwardDeadline.isZero()) {
            throw new IllegalArgumentException("forwardDeadline must be positive: " + forwardDeadline);
        }
        this.router = router;
        this.protocols = List.copyOf(protocols);
        this.subscriberBuffer = subscriberBuffer;
        this.overflow = Objects.requireNonNull(overflow, "overflow");
        this.deliveryScheduler = Objects.requireNonNull(deliveryScheduler, "deliveryScheduler");
        this.publishWithoutPeers = publishWithoutPeers;
        this.outboundQueueBytes = outboundQueueBytes;
        this.forwardDeadline = forwardDeadline;
        this.meshTagValue = meshTagValue;
    }

    /** Every default, as the class documents them. */
    public static GossipsubServiceConfig defaults() {
        return DEFAULTS;
    }

    public GossipsubConfig router() { return router; }
    public List<PubsubProtocol> protocols() { return protocols; }
    public int subscriberBuffer() { return subscriberBuffer; }
    public Overflow overflow() { return overflow; }
    public Scheduler deliveryScheduler() { return deliveryScheduler; }
    public boolean publishWithoutPeers() { return publishWithoutPeers; }
    public int outboundQueueBytes() { return outboundQueueBytes; }
    public Duration forwardDeadline() { return forwardDeadline; }
    public int meshTagValue() { return meshTagValue; }

    public GossipsubServiceConfig withRouter(GossipsubConfig router) {
        return new GossipsubServiceConfig(Objects.requireNonNull(router, "router"), protocols, subscriberBuffer,
                overflow, deliveryScheduler, publishWithoutPeers, outboundQueueBytes, forwardDeadline, meshTagValue);
    }

    /** The protocols served and offered, preferred first. */
    public GossipsubServiceConfig withProtocols(List<PubsubProtocol> protocols) {
        return new GossipsubServiceConfig(router, protocols, subscriberBuffer, overflow, deliveryScheduler,
                publishWithoutPeers, outboundQueueBytes, forwardDeadline, meshTagValue);
    }

    public GossipsubServiceConfig withSubscriberBuffer(int messages, Overflow overflow) {
        return new GossipsubServiceConfig(router, protocols, messages, overflow, deliveryScheduler,
                publishWithoutPeers, outboundQueueBytes, forwardDeadline, meshTagValue);
    }

    public GossipsubServiceConfig withDeliveryScheduler(Scheduler scheduler) {
        return new GossipsubServiceConfig(router, protocols, subscriberBuffer, overflow, scheduler,
                publishWithoutPeers, outboundQueueBytes, forwardDeadline, meshTagValue);
    }

    /** Whether publishing to a topic no peer subscribes to succeeds (reaching nobody) instead of failing. */
    public GossipsubServiceConfig withPublishWithoutPeers(boolean allowed) {
        return new GossipsubServiceConfig(router, protocols, subscriberBuffer, overflow, deliveryScheduler, allowed,
                outboundQueueBytes, forwardDeadline, meshTagValue);
    }

    public GossipsubServiceConfig withOutboundQueue(int bytes, Duration forwardDeadline) {
        return new GossipsubServiceConfig(router, protocols, subscriberBuffer, overflow, deliveryScheduler,
                publishWithoutPeers, bytes, forwardDeadline, meshTagValue);
    }

    public GossipsubServiceConfig withMeshTagValue(int value) {
        return new GossipsubServiceConfig(router, protocols, subscriberBuffer, overflow, deliveryScheduler,
                publishWithoutPeers, outboundQueueBytes, forwardDeadline, value);
    }
}
