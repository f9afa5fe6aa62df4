package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How a {@link GossipsubRouter} behaves. Immutable: every {@code withX} returns a copy, checked. Parameters carry the
 * spec's names (gossipsub v1.0 and v1.1 "Parameters", v1.2 "Parameters"); {@link #defaults()} gives the spec's
 * defaults, and go-libp2p-pubsub's where the spec has none.
 *
 * <p><b>Mesh.</b> {@code D} 6, {@code D_lo} 5, {@code D_hi} 12, {@code D_lazy} 6, {@code D_out} 2, {@code D_score} 4;
 * {@code heartbeat_interval} 1 s (the binding calls {@link GossipsubRouter#heartbeat} this often; counts "per
 * heartbeat" below are per call); {@code fanout_ttl} 60 s; {@code mcache_len} 5 and {@code mcache_gossip} 3 windows;
 * {@code seen_ttl} 2 min; {@code GossipFactor} 0.25; {@code FloodPublish} on; {@code PruneBackoff} 1 min,
 * {@code UnsubscribeBackoff} 10 s; peer exchange ({@code doPX}) off, as in go and rust; {@code PrunePeers} 16 peers
 * offered in a PRUNE; {@code GraftFloodThreshold} 10 s; opportunistic grafting every 60 heartbeats, 2 peers.
 *
 * <p><b>Gossip.</b> {@code MaxIHaveLength} 5000 ids asked for per peer per heartbeat (and the most ids kept from one
 * RPC's IHAVE, IWANT or IDONTWANT lists); {@code MaxIHaveMessages} 10 IHAVE RPCs heeded per peer per heartbeat;
 * {@code GossipRetransmission} 3: a peer gets a message by IWANT at most that often; {@code IWantFollowupTime} 3 s
 * before an unanswered IWANT is a broken promise. IDONTWANT (v1.2): sent for messages of at least 1 KiB; at most
 * {@code max_idontwant_messages} 1000 ids heeded per peer per heartbeat, each for 3 heartbeats.
 *
 * <p><b>Score thresholds</b> (v1.1 "Score Thresholds"), all 0: with {@link PeerScore#NONE} every peer scores 0 and
 * passes them. They must satisfy graylist ≤ publish ≤ gossip ≤ 0 ≤ acceptPX, opportunisticGraft.
 *
 * <p><b>Bounds on what peers can make us keep.</b> Each is a count; past it the documented thing happens.
 * <ul>
 *   <li>{@code maxRpcSize} 1 MiB + 4 KiB: the largest RPC read or written. The spec suggests 1 MiB messages; the
 *       4 KiB cover one such message's envelope (from, seqno, signature, key, topic). A larger frame is a stream
 *       violation. Beware go-libp2p-pubsub reads at most 1 MiB, envelope included.</li>
 *   <li>{@code maxMessageSize} 1 MiB: the largest payload {@link GossipsubRouter#publish} accepts.</li>
 *   <li>{@code maxRpcEntries} 1024: subscriptions, messages, IHAVE, GRAFT and PRUNE entries kept from one RPC, each
 *       list on its own; the rest are dropped ({@link PubsubCodec.Limits}).</li>
 *   <li>{@code maxPeers} 4096: peers the router keeps state for; {@link GossipsubRouter#addPeer} refuses more.</li>
 *   <li>{@code maxTopicsPerPeer} 512: topics remembered per peer; further subscriptions are ignored.</li>
 *   <li>{@code maxTopics} 8192: topics remembered over all peers, besides our own; subscriptions to further topics
 *       are ignored.</li>
 *   <li>{@code maxTopicLength} 1024 chars: subscriptions to longer topics are ignored.</li>
 *   <li>{@code maxSeenMessages} 100,000 ids in the seen cache; past it the oldest are forgotten before
 *       {@code seen_ttl}, so a duplicate arriving later would be delivered again.</li>
 *   <li>{@code maxCachedMessages} 10,000 and {@code maxCachedBytes} 64 MiB in the message cache; past either, new
 *       messages are forwarded but not gossiped.</li>
 *   <li>{@code maxBackoffs} 10,000 topic-peer backoffs; past it the oldest is forgotten.</li>
 *   <li>{@code maxPromises} 10,000 message ids with IWANT follow-ups tracked; past it, new ones are not tracked.</li>
 * </ul>
 */
public final class GossipsubConfig implements Cloneable {

    private SignaturePolicy signaturePolicy = SignaturePolicy.STRICT_SIGN;
    private MessageIdFunction messageIdFunction = MessageIdFunction.FROM_AND_SEQNO;
    private int d = 6;
    private int dLo = 5;
    private int dHi = 12;
    private int dLazy = 6;
    private int dOut = 2;
    private int dScore = 4;
    private Duration heartbeatInterval = Duration.ofSeconds(1);
    private Duration fanoutTtl = Duration.ofSeconds(60);
    private int mcacheLen = 5;
    private int mcacheGossip = 3;
    private Duration seenTtl = Duration.ofMinutes(2);
    private double gossipFactor = 0.25;
    private boolean floodPublish = true;
    private Duration pruneBackoff = Duration.ofMinutes(1);
    private Duration unsubscribeBackoff = Duration.ofSeconds(10);
    private boolean doPX;
    private int prunePeers = 16;
    private Duration graftFloodThreshold = Duration.ofSeconds(10);
    private int opportunisticGraftTicks = 60;
    private int opportunisticGraftPeers = 2;
    private int maxIHaveLength = 5000;
    private int maxIHaveMessages = 10;
    private int gossipRetransmission = 3;
    private Duration iwantFollowupTime = Duration.ofSeconds(3);
    private int idontwantMessageSizeThreshold = 1024;
    private int maxIDontWantMessages = 1000;
    private int idontwantTtlHeartbeats = 3;
    private Set<PeerId> directPeers = Set.of();
    private double gossipThreshold;
    private double publishThreshold;
    private double graylistThreshold;
    private double acceptPXThreshold;
    private double opportunisticGraftThreshold;
    private int maxRpcSize = (1 << 20) + 4096;
    private int maxMessageSize = 1 << 20;
    private int maxRpcEntries = 1024;
    private int maxPeers = 4096;
    private int maxTopicsPerPeer = 512;
    private int maxTopics = 8192;
    private int maxTopicLength = 1024;
    private int maxSeenMessages = 100_000;
    private int maxCachedMessages = 10_000;
    private long maxCachedBytes = 64L << 20;
    private int maxBackoffs = 10_000;
    private int maxPromises = 10_000;

    private GossipsubConfig() {}

    /** Every default, as the class documents them. */
    public static GossipsubConfig defaults() {
        return new GossipsubConfig();
    }

    public SignaturePolicy signaturePolicy() { return signaturePolicy; }
    public MessageIdFunction messageIdFunction() { return messageIdFunction; }
    public int d() { return d; }
    public int dLo() { return dLo; }
    public int dHi() { return dHi; }
    public int dLazy() { return dLazy; }
    public int dOut() { return dOut; }
    public int dScore() { return dScore; }
    public Duration heartbeatInterval() { return heartbeatInterval; }
    public Duration fanoutTtl() { return fanoutTtl; }
    public int mcacheLen() { return mcacheLen; }
    public int mcacheGossip() { return mcacheGossip; }
    public Duration seenTtl() { return seenTtl; }
    public double gossipFactor() { return gossipFactor; }
    public boolean floodPublish() { return floodPublish; }
    public Duration pruneBackoff() { return pruneBackoff; }
    public Duration unsubscribeBackoff() { return unsubscribeBackoff; }
    public boolean doPX() { return doPX; }
    public int prunePeers() { return prunePeers; }
    public Duration graftFloodThreshold() { return graftFloodThreshold; }
    public int opportunisticGraftTicks() { return opportunisticGraftTicks; }
    public int opportunisticGraftPeers() { return opportunisticGraftPeers; }
    public int maxIHaveLength() { return maxIHaveLength; }
    public int maxIHaveMessages() { return maxIHaveMessages; }
    public int gossipRetransmission() { return gossipRetransmission; }
    public Duration iwantFollowupTime() { return iwantFollowupTime; }
    public int idontwantMessageSizeThreshold() { return idontwantMessageSizeThreshold; }
    public int maxIDontWantMessages() { return maxIDontWantMessages; }
    public int idontwantTtlHeartbeats() { return idontwantTtlHeartbeats; }
    public Set<PeerId> directPeers() { return directPeers; }
    public double gossipThreshold() { return gossipThreshold; }
    public double publishThreshold() { return publishThreshold; }
    public double graylistThreshold() { return graylistThreshold; }
    public double acceptPXThreshold() { return acceptPXThreshold; }
    public double opportunisticGraftThreshold() { return opportunisticGraftThreshold; }
    public int maxRpcSize() { return maxRpcSize; }
    public int maxMessageSize() { return maxMessageSize; }
    public int maxRpcEntries() { return maxRpcEntries; }
    public int maxPeers() { return maxPeers; }
    public int maxTopicsPerPeer() { return maxTopicsPerPeer; }
    public int maxTopics() { return maxTopics; }
    public int maxTopicLength() { return maxTopicLength; }
    public int maxSeenMessages() { return maxSeenMessages; }
    public int maxCachedMessages() { return maxCachedMessages; }
    public long maxCachedBytes() { return maxCachedBytes; }
    public int maxBackoffs() { return maxBackoffs; }
    public int maxPromises() { return maxPromises; }

    /** What the codec keeps of one RPC. */
    public PubsubCodec.Limits codecLimits() {
        return new PubsubCodec.Limits(maxRpcEntries, maxIHaveLength, prunePeers);
    }

    public GossipsubConfig withSignaturePolicy(SignaturePolicy policy) {
        return with(c -> c.signaturePolicy = Objects.requireNonNull(policy));
    }

    public GossipsubConfig withMessageIdFunction(MessageIdFunction function) {
        return with(c -> c.messageIdFunction = Objects.requireNonNull(function));
    }

    /** Sets {@code D}, {@code D_lo}, {@code D_hi}, {@code D_lazy}, {@code D_out} and {@code D_score}. */
    public GossipsubConfig withDegrees(int d, int dLo, int dHi, int dLazy, int dOut, int dScore) {
        return with(c -> {
            c.d = d;
            c.dLo = dLo;
            c.dHi = dHi;
            c.dLazy = dLazy;
            c.dOut = dOut;
            c.dScore = dScore;
        });
    }

    public GossipsubConfig withHeartbeatInterval(Duration interval) {
        return with(c -> c.heartbeatInterval = interval);
    }

    public GossipsubConfig withFanoutTtl(Duration ttl) {
        return with(c -> c.fanoutTtl = ttl);
    }

    /** Sets {@code mcache_len} and {@code mcache_gossip}. */
    public GossipsubConfig withMessageCache(int mcacheLen, int mcacheGossip) {
        return with(c -> {
            c.mcacheLen = mcacheLen;
            c.mcacheGossip = mcacheGossip;
        });
    }

    public GossipsubConfig withSeenTtl(Duration ttl) {
        return with(c -> c.seenTtl = ttl);
    }

    public GossipsubConfig withGossipFactor(double factor) {
        return with(c -> c.gossipFactor = factor);
    }

    public GossipsubConfig withFloodPublish(boolean floodPublish) {
        return with(c -> c.floodPublish = floodPublish);
    }

    /** Sets {@code PruneBackoff} and {@code UnsubscribeBackoff}. */
    public GossipsubConfig withBackoff(Duration prune, Duration unsubscribe) {
        return with(c -> {
            c.pruneBackoff = prune;
            c.unsubscribeBackoff = unsubscribe;
        });
    }

    /** Turns peer exchange on or off, and sets how many peers a PRUNE offers (and how many we keep from one). */
    public GossipsubConfig withPeerExchange(boolean doPX, int prunePeers) {
        return with(c -> {
            c.doPX = doPX;
            c.prunePeers = prunePeers;
        });
    }

    public GossipsubConfig withDirectPeers(Set<PeerId> peers) {
        return with(c -> c.directPeers = Set.copyOf(peers));
    }

    /** Sets the v1.1 score thresholds: gossip, publish, graylist, accept-PX and opportunistic-graft. */
    public GossipsubConfig withScoreThresholds(double gossip, double publish, double graylist, double acceptPX,
                                               double opportunisticGraft) {
        return with(c -> {
            c.gossipThreshold = gossip;
            c.publishThreshold = publish;
            c.graylistThreshold = graylist;
            c.acceptPXThreshold = acceptPX;
            c.opportunisticGraftThreshold = opportunisticGraft;
        });
    }

    /** Sets {@code MaxIHaveLength}, {@code MaxIHaveMessages} and {@code GossipRetransmission}. */
    public GossipsubConfig withGossipLimits(int maxIHaveLength, int maxIHaveMessages, int gossipRetransmission) {
        return with(c -> {
            c.maxIHaveLength = maxIHaveLength;
            c.maxIHaveMessages = maxIHaveMessages;
            c.gossipRetransmission = gossipRetransmission;
        });
    }

    /** Sets the IDONTWANT size threshold and {@code max_idontwant_messages} per peer per heartbeat. */
    public GossipsubConfig withIDontWant(int messageSizeThreshold, int maxMessages) {
        return with(c -> {
            c.idontwantMessageSizeThreshold = messageSizeThreshold;
            c.maxIDontWantMessages = maxMessages;
        });
    }

    /** Sets the largest RPC read or written and the largest payload published. */
    public GossipsubConfig withMaxSizes(int maxRpcSize, int maxMessageSize) {
        return with(c -> {
            c.maxRpcSize = maxRpcSize;
            c.maxMessageSize = maxMessageSize;
        });
    }

    /** Sets the bounds on peers and topics remembered. */
    public GossipsubConfig withPeerLimits(int maxPeers, int maxTopicsPerPeer, int maxTopics) {
        return with(c -> {
            c.maxPeers = maxPeers;
            c.maxTopicsPerPeer = maxTopicsPerPeer;
            c.maxTopics = maxTopics;
        });
    }

    /** Sets the bounds of the seen cache, message cache, backoff table and IWANT follow-ups. */
    public GossipsubConfig withCacheLimits(int maxSeenMessages, int maxCachedMessages, long maxCachedBytes,
                                           int maxBackoffs, int maxPromises) {
        return with(c -> {
            c.maxSeenMessages = maxSeenMessages;
            c.maxCachedMessages = maxCachedMessages;
            c.maxCachedBytes = maxCachedBytes;
            c.maxBackoffs = maxBackoffs;
            c.maxPromises = maxPromises;
        });
    }

    private GossipsubConfig with(Consumer<GossipsubConfig> change) {
        GossipsubConfig copy;
        try {
            copy = (GossipsubConfig) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
        change.accept(copy);
        copy.check();
        return copy;
    }

    private void check() {
        if (!(dLo <= d && d <= dHi && dLo >= 1 && dLazy >= 0 && dScore >= 0 && dScore <= d)) {
            throw new IllegalArgumentException("need 1 <= D_lo <= D <= D_hi and 0 <= D_score <= D");
        }
        if (dOut < 0 || dOut >= dLo || dOut > d / 2) {
            throw new IllegalArgumentException("D_out must be below D_lo and at most D/2 (gossipsub v1.1)");
        }
        if (mcacheGossip < 1 || mcacheGossip > mcacheLen) {
            throw new IllegalArgumentException("need 1 <= mcache_gossip <= mcache_len");
        }
        if (!(gossipFactor >= 0 && gossipFactor <= 1)) {
            throw new IllegalArgumentException("GossipFactor must be in [0, 1]");
        }
        for (Duration t : new Duration[] {heartbeatInterval, fanoutTtl, seenTtl, pruneBackoff, unsubscribeBackoff,
                iwantFollowupTime}) {
            if (t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException("durations must be positive");
            }
        }
        if (!(graylistThreshold <= publishThreshold && publishThreshold <= gossipThreshold && gossipThreshold <= 0
                && acceptPXThreshold >= 0 && opportunisticGraftThreshold >= 0)) {
            throw new IllegalArgumentException(
                    "need graylist <= publish <= gossip <= 0 <= acceptPX, opportunisticGraft thresholds");
        }
        if (maxMessageSize < 1 || maxRpcSize < maxMessageSize || maxIHaveLength < 1 || maxIHaveMessages < 0
                || gossipRetransmission < 0 || prunePeers < 0 || maxIDontWantMessages < 0 || maxRpcEntries < 1
                || maxPeers < 1 || maxTopicsPerPeer < 1 || maxTopics < 1 || maxSeenMessages < 1
                || maxCachedMessages < 0 || maxCachedBytes < 0 || maxBackoffs < 1 || maxPromises < 0) {
            throw new IllegalArgumentException("sizes and counts must be positive, maxRpcSize >= maxMessageSize");
        }
    }
}
