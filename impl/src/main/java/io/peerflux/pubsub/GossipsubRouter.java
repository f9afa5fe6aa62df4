package io.peerflux.pubsub;

import io.peerflux.LimitExceededException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One node's pubsub router: gossipsub v1.0 and v1.1 (mesh, fanout, gossip, GRAFT/PRUNE with backoff and peer
 * exchange, flood publishing, outbound quotas, opportunistic grafting, direct peers), v1.2's IDONTWANT, and floodsub
 * for peers that speak only {@code /floodsub/1.0.0}. A node whose binding offers only floodsub has only floodsub
 * peers and so floods.
 *
 * <p>A state machine with no I/O and no clock: the binding (the host's, or the simulator's) calls the input methods
 * with the current time ({@code now}, nanoseconds on any monotonic scale), calls {@link #heartbeat} every
 * {@link GossipsubConfig#heartbeatInterval()}, and after each input takes what the router wants done with
 * {@link #drain()}: RPCs to send, messages to deliver to local subscribers, events. Every method must be called from
 * one thread. Randomness (mesh, fanout and gossip peers) comes from the {@link RandomGenerator} given, so a seed
 * gives one run.
 *
 * <p>Only messages of topics this node subscribes to are validated, delivered and forwarded; others are dropped.
 * Bounds: see {@link GossipsubConfig}.
 */
public final class GossipsubRouter {

    /** Backoff a PRUNE may ask for, at most (a day), so that the deadline cannot overflow. */
    static final long MAX_BACKOFF_SECONDS = 86_400;

    /** An RPC for the binding to send to {@code peer}. */
    public record Send(PeerId peer, Rpc rpc) {}

    /** A message for the local subscribers of its topic, received from {@code receivedFrom}. */
    public record Delivery(MessageId id, Message message, PeerId receivedFrom) {}

    /** Something the binding may act on besides sending and delivering. */
    public sealed interface Event permits Rejected, PeerExchangeOffered {}

    /** {@code peer} sent a message that failed the signature policy; it was neither delivered nor forwarded. */
    public record Rejected(PeerId peer, MessageId id, Message message, Rejection reason) implements Event {}

    /**
     * {@code peer} pruned us from {@code topic} and offered these peers to connect to (gossipsub v1.1 peer exchange);
     * only raised when its score reaches {@code AcceptPXThreshold}. Checking the records and dialing is the binding's.
     */
    public record PeerExchangeOffered(PeerId peer, String topic, List<Rpc.PeerExchange> peers) implements Event {}

    /** What the router wants done, in order. */
    public record Output(List<Send> sends, List<Delivery> deliveries, List<Event> events) {}

    private static final class PeerState {
        final PeerId id;
        final byte[] idBytes;
        final PubsubProtocol protocol;
        final boolean outbound;
        final boolean direct;
        final Set<String> topics = new LinkedHashSet<>();
        /** Per heartbeat: IHAVE RPCs heeded, ids asked for by IWANT, IDONTWANT ids heeded. */
        int ihaves;
        int asked;
        int idontwants;
        /** IDONTWANT ids and the heartbeat after which they are forgotten. */
        final Map<MessageId, Long> dontSend = new LinkedHashMap<>();

        PeerState(PeerId id, PubsubProtocol protocol, boolean outbound, boolean direct) {
            this.id = id;
            this.idBytes = id.bytes();
            this.protocol = protocol;
            this.outbound = outbound;
            this.direct = direct;
        }
    }

    /** One peer's outgoing RPC, built up during an input. */
    private static final class Pending {
        final List<Rpc.Subscription> subscriptions = new ArrayList<>();
        final List<Message> messages = new ArrayList<>();
        final List<Rpc.IHave> ihave = new ArrayList<>();
        final List<MessageId> iwant = new ArrayList<>();
        final List<String> graft = new ArrayList<>();
        final List<Rpc.Prune> prune = new ArrayList<>();
        final List<MessageId> idontwant = new ArrayList<>();
    }

    private final PeerId self;
    private final byte[] selfBytes;
    private final PrivateKey key;
    private final GossipsubConfig config;
    private final PeerScore score;
    private final RandomGenerator random;
    private final Map<PeerId, PeerState> peers = new LinkedHashMap<>();
    /** Topics peers subscribe to, with those peers. */
    private final Map<String, Set<PeerId>> topics = new LinkedHashMap<>();
    private final Set<String> subscriptions = new LinkedHashSet<>();
    private final Map<String, Set<PeerId>> mesh = new LinkedHashMap<>();
    private final Map<String, Set<PeerId>> fanout = new LinkedHashMap<>();
    private final Map<String, Long> lastPublished = new HashMap<>();
    private final SeenCache seen;
    private final MessageCache mcache;
    private final BackoffTable backoff;
    private final GossipPromises promises;
    private long seqno;
    private long heartbeats;
    private Map<PeerId, Pending> pending = new LinkedHashMap<>();
    private List<Delivery> deliveries = new ArrayList<>();
    private List<Event> events = new ArrayList<>();

    /**
     * @param key this node's key: signs what it publishes under {@link SignaturePolicy#STRICT_SIGN}, and its peer
     *     id is the node's
     * @param score the peer score, or {@link PeerScore#NONE}
     * @param random the source of every random choice (seeded, in the simulator)
     * @param now the time the router starts; also the first sequence number, so that a restarted node does not
     *     repeat earlier ones (as go-libp2p-pubsub starts from the clock)
     */
    public GossipsubRouter(PrivateKey key, GossipsubConfig config, PeerScore score, RandomGenerator random,
                           long now) {
        this.key = Objects.requireNonNull(key, "key");
        this.self = PeerId.fromPublicKey(key.publicKey());
        this.selfBytes = self.bytes();
        this.config = config;
        this.score = score;
        this.random = random;
        this.seen = new SeenCache(config.maxSeenMessages(), config.seenTtl().toNanos());
        this.mcache = new MessageCache(config.mcacheLen(), config.mcacheGossip(), config.maxCachedMessages(),
                config.maxCachedBytes());
        this.backoff = new BackoffTable(config.maxBackoffs());
        this.promises = new GossipPromises(config.maxPromises());
        this.seqno = now;
    }

    public PeerId self() {
        return self;
    }

    // ---- inputs ----

    /**
     * A peer opened a pubsub stream with us, or we with it: from now on it is sent our subscriptions and messages.
     *
     * @param protocol the protocol negotiated with it
     * @param outbound whether we dialed the connection (gossipsub v1.1 outbound mesh quota)
     * @return false when {@code maxPeers} peers are known already; the peer is then ignored
     */
    public boolean addPeer(PeerId peer, PubsubProtocol protocol, boolean outbound) {
        if (peers.containsKey(peer)) {
            return true;
        }
        if (peers.size() >= config.maxPeers()) {
            return false;
        }
        peers.put(peer, new PeerState(peer, protocol, outbound, config.directPeers().contains(peer)));
        score.connected(peer);
        if (!subscriptions.isEmpty()) {
            Pending out = pending(peer);
            subscriptions.forEach(t -> out.subscriptions.add(new Rpc.Subscription(true, t)));
        }
        return true;
    }

    /** The peer's pubsub streams are gone: it leaves every topic, mesh and fanout. Its backoffs stay. */
    public void removePeer(PeerId peer, long now) {
        PeerState p = peers.remove(peer);
        if (p == null) {
            return;
        }
        for (String topic : p.topics) {
            Set<PeerId> members = topics.get(topic);
            if (members.remove(peer) && members.isEmpty()) {
                topics.remove(topic);
            }
        }
        // Meshes too, not only its topics': a peer may graft without subscribing.
        mesh.forEach((topic, members) -> {
            if (members.remove(peer)) {
                score.prune(peer, topic, now);
            }
        });
        fanout.values().forEach(members -> members.remove(peer));
        pending.remove(peer);
        score.disconnected(peer, now);
    }

    /** Handles one RPC from {@code from}; an RPC from a peer not {@link #addPeer added} is ignored. */
    public void handleRpc(PeerId from, Rpc rpc, long now) {
        PeerState p = peers.get(from);
        if (p == null || score.score(from) < config.graylistThreshold()) {
            return;
        }
        for (Rpc.Subscription s : rpc.subscriptions()) {
            if (s.subscribe()) {
                joinTopic(p, s.topic());
                graftOnJoin(p, s.topic(), now);
            } else if (p.topics.remove(s.topic())) {
                leaveTopic(p, s.topic(), now);
            }
        }
        for (Message m : rpc.messages()) {
            handleMessage(p, m, now);
        }
        if (p.protocol.isGossipsub() && rpc.hasControl()) {
            handleIHave(p, rpc.ihave(), now);
            handleIWant(p, rpc.iwant());
            handleGraft(p, rpc.graft(), now);
            handlePrune(p, rpc.prune(), now);
            handleIDontWant(p, rpc.idontwant());
        }
    }

    /**
     * Joins {@code topic} (gossipsub v1.0 "JOIN"): tells every peer, and builds the mesh from the fanout and other
     * peers in the topic, up to {@code D}, grafting them.
     */
    public void subscribe(String topic, long now) {
        if (!subscriptions.add(topic)) {
            return;
        }
        peers.keySet().forEach(peer -> pending(peer).subscriptions.add(new Rpc.Subscription(true, topic)));
        Set<PeerId> members = new LinkedHashSet<>();
        Set<PeerId> fanoutPeers = fanout.remove(topic);
        lastPublished.remove(topic);
        if (fanoutPeers != null) {
            for (PeerId peer : fanoutPeers) {
                if (graftable(peers.get(peer), topic, now)) {
                    members.add(peer);
                }
            }
        }
        mesh.put(topic, members);
        for (PeerId peer : members) {
            graft(peer, topic, now);
        }
        for (PeerId peer : pick(graftCandidates(topic, members, now, false), config.d() - members.size())) {
            members.add(peer);
            graft(peer, topic, now);
        }
    }

    /** Leaves {@code topic} (gossipsub v1.0 "LEAVE"): tells every peer and prunes the mesh, with the unsubscribe backoff. */
    public void unsubscribe(String topic, long now) {
        if (!subscriptions.remove(topic)) {
            return;
        }
        peers.keySet().forEach(peer -> pending(peer).subscriptions.add(new Rpc.Subscription(false, topic)));
        for (PeerId peer : mesh.remove(topic)) {
            score.prune(peer, topic, now);
            prune(peers.get(peer), topic, true, config.unsubscribeBackoff().toNanos(), now);
        }
    }

    /**
     * Publishes {@code data} to {@code topic}: signed or not as the {@link SignaturePolicy} says, to every peer in the
     * topic with flood publishing, else to the mesh or the fanout, always to floodsub and direct peers in the topic.
     * The message is not delivered locally.
     *
     * @return the message's id
     * @throws LimitExceededException if {@code data} is over {@code maxMessageSize}
     * @throws IllegalStateException if a message with the same id was seen within {@code seen_ttl} (possible with a
     *     message-id function over the data); nothing is sent
     */
    public MessageId publish(String topic, byte[] data, long now) {
        if (data.length > config.maxMessageSize()) {
            throw LimitExceededException.of("pubsub message bytes", 0, data.length, config.maxMessageSize());
        }
        Message m = config.signaturePolicy() == SignaturePolicy.STRICT_SIGN
                ? MessageSigning.sign(topic, data, ++seqno, key)
                : new Message(topic, data, null, null, null, null);
        MessageId id = config.messageIdFunction().apply(m);
        if (!seen.add(id, now)) {
            throw new IllegalStateException("a message with id " + id + " was seen already");
        }
        mcache.put(id, m);
        Set<PeerId> to = new LinkedHashSet<>();
        Set<PeerId> members = topics.getOrDefault(topic, Set.of());
        for (PeerId peer : members) {
            PeerState p = peers.get(peer);
            if (p.direct || (!p.protocol.isGossipsub() || config.floodPublish())
                    && score.score(peer) >= config.publishThreshold()) {
                to.add(peer);
            }
        }
        if (!config.floodPublish()) {
            Set<PeerId> meshPeers = mesh.get(topic);
            if (meshPeers != null) {
                to.addAll(meshPeers);
            } else {
                to.addAll(fanout.computeIfAbsent(topic, t -> new LinkedHashSet<>(pick(fanoutCandidates(t, Set.of()),
                        config.d()))));
                lastPublished.put(topic, now);
            }
        }
        for (PeerId peer : to) {
            pending(peer).messages.add(m);
        }
        return id;
    }

    /**
     * The heartbeat (gossipsub v1.0 "Heartbeat", with v1.1's additions): refreshes the score, penalises broken IWANT
     * promises, keeps each mesh within {@code D_lo..D_hi} with its outbound quota, grafts opportunistically, keeps
     * fanouts, emits gossip and shifts the message cache.
     */
    public void heartbeat(long now) {
        heartbeats++;
        score.refresh(now);
        for (PeerState p : peers.values()) {
            p.ihaves = 0;
            p.asked = 0;
            p.idontwants = 0;
            p.dontSend.values().removeIf(last -> last < heartbeats);
        }
        promises.broken(now).forEach(score::behaviourPenalty);
        backoff.expire(now);
        seen.expire(now);
        for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
            maintainMesh(e.getKey(), e.getValue(), now);
            emitGossip(e.getKey(), e.getValue());
        }
        Iterator<Map.Entry<String, Set<PeerId>>> it = fanout.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Set<PeerId>> e = it.next();
            String topic = e.getKey();
            if (now - lastPublished.get(topic) > config.fanoutTtl().toNanos()) {
                it.remove();
                lastPublished.remove(topic);
                continue;
            }
            Set<PeerId> members = topics.getOrDefault(topic, Set.of());
            e.getValue().removeIf(peer -> !members.contains(peer) || score.score(peer) < config.publishThreshold());
            e.getValue().addAll(pick(fanoutCandidates(topic, e.getValue()), config.d() - e.getValue().size()));
            emitGossip(topic, e.getValue());
        }
        mcache.shift();
    }

    /** Takes what the router wants done since the last call; RPCs are split to stay within {@code maxRpcSize}. */
    public Output drain() {
        List<Send> sends = new ArrayList<>();
        for (Map.Entry<PeerId, Pending> e : pending.entrySet()) {
            split(e.getKey(), e.getValue(), sends);
        }
        Output out = new Output(sends, deliveries, events);
        pending = new LinkedHashMap<>();
        deliveries = new ArrayList<>();
        events = new ArrayList<>();
        return out;
    }

    // ---- state, for tests and metrics ----

    /** Our mesh peers in {@code topic}; empty when not subscribed. */
    public Set<PeerId> meshPeers(String topic) {
        return Set.copyOf(mesh.getOrDefault(topic, Set.of()));
    }

    /** Our fanout peers in {@code topic}. */
    public Set<PeerId> fanoutPeers(String topic) {
        return Set.copyOf(fanout.getOrDefault(topic, Set.of()));
    }

    /** The peers we know subscribe to {@code topic}. */
    public Set<PeerId> topicPeers(String topic) {
        return Set.copyOf(topics.getOrDefault(topic, Set.of()));
    }

    // ---- topic membership ----

    private void joinTopic(PeerState p, String topic) {
        if (p.topics.contains(topic) || topic.length() > config.maxTopicLength()
                || p.topics.size() >= config.maxTopicsPerPeer()) {
            return;
        }
        Set<PeerId> members = topics.get(topic);
        if (members == null) {
            if (topics.size() >= config.maxTopics() && !subscriptions.contains(topic)) {
                return;
            }
            members = new LinkedHashSet<>();
            topics.put(topic, members);
        }
        members.add(p.id);
        p.topics.add(topic);
    }

    /**
     * Grafts a peer that joins one of our topics while our mesh there is below {@code D_lo}, as rust-libp2p does,
     * instead of waiting for the heartbeat: until a mesh exists we forward to no one, and messages arriving in that
     * window would stop here (gossip goes only to peers outside the mesh, so it would not repair them either).
     */
    private void graftOnJoin(PeerState p, String topic, long now) {
        Set<PeerId> members = mesh.get(topic);
        if (members != null && members.size() < config.dLo() && !members.contains(p.id)
                && graftable(p, topic, now)) {
            members.add(p.id);
            graft(p.id, topic, now);
        }
    }

    private void leaveTopic(PeerState p, String topic, long now) {
        Set<PeerId> members = topics.get(topic);
        if (members != null && members.remove(p.id) && members.isEmpty()) {
            topics.remove(topic);
        }
        Set<PeerId> meshPeers = mesh.get(topic);
        if (meshPeers != null && meshPeers.remove(p.id)) {
            score.prune(p.id, topic, now);
        }
        Set<PeerId> fanoutPeers = fanout.get(topic);
        if (fanoutPeers != null) {
            fanoutPeers.remove(p.id);
        }
    }

    // ---- messages ----

    private void handleMessage(PeerState p, Message m, long now) {
        String topic = m.topic();
        if (!subscriptions.contains(topic)) {
            return;
        }
        MessageId id = config.messageIdFunction().apply(m);
        if (seen.contains(id, now)) {
            score.duplicateDelivery(p.id, id, topic, now);
            return;
        }
        Optional<Rejection> rejection = MessageSigning.check(m, config.signaturePolicy());
        if (rejection.isEmpty() && m.rawFrom() != null && Arrays.equals(m.rawFrom(), selfBytes)) {
            rejection = Optional.of(Rejection.SELF_ORIGIN);
        }
        if (rejection.isPresent()) {
            // Not marked seen: a forged copy must not keep the genuine message out.
            score.invalidMessage(p.id, topic, rejection.get(), now);
            events.add(new Rejected(p.id, id, m, rejection.get()));
            return;
        }
        seen.add(id, now);
        promises.fulfilled(id);
        score.firstDelivery(p.id, id, topic, now);
        mcache.put(id, m);
        deliveries.add(new Delivery(id, m, p.id));
        if (m.dataLength() >= config.idontwantMessageSizeThreshold()) {
            for (PeerId peer : mesh.get(topic)) {
                if (!peer.equals(p.id) && peers.get(peer).protocol.supportsIDontWant()) {
                    pending(peer).idontwant.add(id);
                }
            }
        }
        forward(id, m, p.id);
    }

    /** Forwards a first-seen message (gossipsub v1.0 "Message Processing"): floodsub, mesh and direct peers. */
    private void forward(MessageId id, Message m, PeerId source) {
        Set<PeerId> to = new LinkedHashSet<>(mesh.get(m.topic()));
        for (PeerId peer : topics.getOrDefault(m.topic(), Set.of())) {
            PeerState p = peers.get(peer);
            if (p.direct || !p.protocol.isGossipsub() && score.score(peer) >= config.publishThreshold()) {
                to.add(peer);
            }
        }
        for (PeerId peer : to) {
            PeerState p = peers.get(peer);
            if (!peer.equals(source) && !Arrays.equals(p.idBytes, m.rawFrom()) && !p.dontSend.containsKey(id)) {
                pending(peer).messages.add(m);
            }
        }
    }

    // ---- control ----

    private void handleIHave(PeerState p, List<Rpc.IHave> ihaves, long now) {
        if (ihaves.isEmpty() || score.score(p.id) < config.gossipThreshold() || ++p.ihaves > config.maxIHaveMessages()
                || p.asked >= config.maxIHaveLength()) {
            return;
        }
        Set<MessageId> wanted = new LinkedHashSet<>();
        for (Rpc.IHave ihave : ihaves) {
            if (mesh.containsKey(ihave.topic())) {
                for (MessageId id : ihave.ids()) {
                    if (!seen.contains(id, now)) {
                        wanted.add(id);
                    }
                }
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        List<MessageId> ask = pick(wanted, config.maxIHaveLength() - p.asked);
        p.asked += ask.size();
        promises.add(p.id, ask.get(random.nextInt(ask.size())), now + config.iwantFollowupTime().toNanos());
        pending(p.id).iwant.addAll(ask);
    }

    private void handleIWant(PeerState p, List<MessageId> ids) {
        if (ids.isEmpty() || score.score(p.id) < config.gossipThreshold()) {
            return;
        }
        for (MessageId id : ids) {
            Message m = mcache.getForPeer(id, p.id, config.gossipRetransmission());
            if (m != null) {
                pending(p.id).messages.add(m);
            }
        }
    }

    private void handleGraft(PeerState p, List<String> grafts, long now) {
        for (String topic : grafts) {
            Set<PeerId> members = mesh.get(topic);
            if (members == null || members.contains(p.id)) {
                // Not subscribed: ignored, not pruned (gossipsub v1.1 "Spam Protection Measures").
                continue;
            }
            if (p.direct) {
                prune(p, topic, false, config.pruneBackoff().toNanos(), now);
                continue;
            }
            Long until = backoff.until(topic, p.id);
            if (until != null && until - now > 0) {
                score.behaviourPenalty(p.id, 1);
                long pruned = until - config.pruneBackoff().toNanos();
                if (now - pruned < config.graftFloodThreshold().toNanos()) {
                    score.behaviourPenalty(p.id, 1);
                }
                prune(p, topic, false, config.pruneBackoff().toNanos(), now);
                continue;
            }
            if (score.score(p.id) < 0) {
                prune(p, topic, false, config.pruneBackoff().toNanos(), now);
                continue;
            }
            if (members.size() >= config.dHi() && !p.outbound) {
                prune(p, topic, true, config.pruneBackoff().toNanos(), now);
                continue;
            }
            members.add(p.id);
            score.graft(p.id, topic, now);
        }
    }

    private void handlePrune(PeerState p, List<Rpc.Prune> prunes, long now) {
        for (Rpc.Prune prune : prunes) {
            Set<PeerId> members = mesh.get(prune.topic());
            if (members == null) {
                continue;
            }
            if (members.remove(p.id)) {
                score.prune(p.id, prune.topic(), now);
            }
            long wait = prune.backoffSeconds() < 0 ? config.pruneBackoff().toNanos()
                    : Math.min(prune.backoffSeconds(), MAX_BACKOFF_SECONDS) * 1_000_000_000L;
            // A heartbeat of slack, so that our GRAFT does not arrive just before the peer's backoff ends.
            backoff.add(prune.topic(), p.id, now + wait + config.heartbeatInterval().toNanos());
            if (!prune.peers().isEmpty() && score.score(p.id) >= config.acceptPXThreshold()) {
                events.add(new PeerExchangeOffered(p.id, prune.topic(), prune.peers()));
            }
        }
    }

    private void handleIDontWant(PeerState p, List<MessageId> ids) {
        long last = heartbeats + config.idontwantTtlHeartbeats();
        for (MessageId id : ids) {
            if (p.idontwants >= config.maxIDontWantMessages()) {
                return;
            }
            p.idontwants++;
            p.dontSend.put(id, last);
        }
    }

    private void graft(PeerId peer, String topic, long now) {
        pending(peer).graft.add(topic);
        score.graft(peer, topic, now);
    }

    /** Sends {@code p} a PRUNE for {@code topic} and backs off from it for {@code backoffNanos}. */
    private void prune(PeerState p, String topic, boolean withPeerExchange, long backoffNanos, long now) {
        backoff.add(topic, p.id, now + backoffNanos);
        if (!p.protocol.supportsPeerExchange()) {
            pending(p.id).prune.add(new Rpc.Prune(topic, List.of(), -1));
            return;
        }
        List<Rpc.PeerExchange> px = List.of();
        if (withPeerExchange && config.doPX() && score.score(p.id) >= 0) {
            List<PeerId> candidates = new ArrayList<>();
            for (PeerId peer : topics.getOrDefault(topic, Set.of())) {
                if (!peer.equals(p.id) && peers.get(peer).protocol.isGossipsub() && score.score(peer) >= 0) {
                    candidates.add(peer);
                }
            }
            px = pick(candidates, config.prunePeers()).stream()
                    .map(peer -> new Rpc.PeerExchange(peer.bytes(), null)).toList();
        }
        pending(p.id).prune.add(new Rpc.Prune(topic, px, backoffNanos / 1_000_000_000L));
    }

    // ---- heartbeat ----

    private void maintainMesh(String topic, Set<PeerId> members, long now) {
        for (PeerId peer : List.copyOf(members)) {
            if (score.score(peer) < 0) {
                members.remove(peer);
                score.prune(peer, topic, now);
                prune(peers.get(peer), topic, false, config.pruneBackoff().toNanos(), now);
            }
        }
        if (members.size() < config.dLo()) {
            for (PeerId peer : pick(graftCandidates(topic, members, now, false), config.d() - members.size())) {
                members.add(peer);
                graft(peer, topic, now);
            }
        }
        if (members.size() > config.dHi()) {
            for (PeerId peer : oversubscribed(members)) {
                members.remove(peer);
                score.prune(peer, topic, now);
                prune(peers.get(peer), topic, true, config.pruneBackoff().toNanos(), now);
            }
        }
        int outbound = (int) members.stream().filter(peer -> peers.get(peer).outbound).count();
        if (members.size() >= config.dLo() && outbound < config.dOut()) {
            for (PeerId peer : pick(graftCandidates(topic, members, now, true), config.dOut() - outbound)) {
                members.add(peer);
                graft(peer, topic, now);
            }
        }
        if (heartbeats % config.opportunisticGraftTicks() == 0 && members.size() > 1) {
            List<Double> scores = members.stream().map(score::score).sorted().toList();
            double median = scores.get(scores.size() / 2);
            if (median < config.opportunisticGraftThreshold()) {
                List<PeerId> better = graftCandidates(topic, members, now, false).stream()
                        .filter(peer -> score.score(peer) > median).toList();
                for (PeerId peer : pick(better, config.opportunisticGraftPeers())) {
                    members.add(peer);
                    graft(peer, topic, now);
                }
            }
        }
    }

    /**
     * The peers to prune from a mesh over {@code D_hi} (gossipsub v1.1 "Heartbeat Maintenance"): keep the
     * {@code D_score} best scoring, then others at random up to {@code D}, taking outbound peers first while fewer
     * than {@code D_out} are kept.
     */
    private List<PeerId> oversubscribed(Set<PeerId> members) {
        List<PeerId> byScore = shuffle(new ArrayList<>(members));
        byScore.sort(Comparator.comparingDouble(score::score).reversed());
        List<PeerId> keep = new ArrayList<>(byScore.subList(0, config.dScore()));
        List<PeerId> rest = shuffle(new ArrayList<>(byScore.subList(config.dScore(), byScore.size())));
        long outbound = keep.stream().filter(peer -> peers.get(peer).outbound).count();
        for (Iterator<PeerId> it = rest.iterator(); it.hasNext() && outbound < config.dOut()
                && keep.size() < config.d(); ) {
            PeerId peer = it.next();
            if (peers.get(peer).outbound) {
                keep.add(peer);
                it.remove();
                outbound++;
            }
        }
        keep.addAll(rest.subList(0, config.d() - keep.size()));
        List<PeerId> out = new ArrayList<>(members);
        out.removeAll(keep);
        return out;
    }

    /** Gossipsub peers in {@code topic} we may graft: not in the mesh, not direct, not backed off, score ≥ 0. */
    private List<PeerId> graftCandidates(String topic, Set<PeerId> members, long now, boolean outboundOnly) {
        List<PeerId> out = new ArrayList<>();
        for (PeerId peer : topics.getOrDefault(topic, Set.of())) {
            PeerState p = peers.get(peer);
            if (!members.contains(peer) && graftable(p, topic, now) && (!outboundOnly || p.outbound)) {
                out.add(peer);
            }
        }
        return out;
    }

    private boolean graftable(PeerState p, String topic, long now) {
        return p != null && p.protocol.isGossipsub() && !p.direct && p.topics.contains(topic)
                && !backoff.active(topic, p.id, now) && score.score(p.id) >= 0;
    }

    private List<PeerId> fanoutCandidates(String topic, Set<PeerId> exclude) {
        List<PeerId> out = new ArrayList<>();
        for (PeerId peer : topics.getOrDefault(topic, Set.of())) {
            PeerState p = peers.get(peer);
            if (!exclude.contains(peer) && p.protocol.isGossipsub() && !p.direct
                    && score.score(peer) >= config.publishThreshold()) {
                out.add(peer);
            }
        }
        return out;
    }

    /**
     * IHAVE for {@code topic}'s recent messages to gossipsub peers outside {@code exclude} (gossipsub v1.0 "Gossip
     * Emission", v1.1 "Adaptive Gossip Dissemination"): {@code GossipFactor} of them, at least {@code D_lazy}.
     */
    private void emitGossip(String topic, Set<PeerId> exclude) {
        List<MessageId> ids = mcache.gossipIds(topic);
        if (ids.isEmpty()) {
            return;
        }
        List<PeerId> candidates = new ArrayList<>();
        for (PeerId peer : topics.getOrDefault(topic, Set.of())) {
            PeerState p = peers.get(peer);
            if (!exclude.contains(peer) && p.protocol.isGossipsub() && !p.direct
                    && score.score(peer) >= config.gossipThreshold()) {
                candidates.add(peer);
            }
        }
        int target = Math.max(config.dLazy(), (int) (config.gossipFactor() * candidates.size()));
        Rpc.IHave ihave = new Rpc.IHave(topic, pick(ids, config.maxIHaveLength()));
        for (PeerId peer : pick(candidates, target)) {
            pending(peer).ihave.add(ihave);
        }
    }

    // ---- helpers ----

    private Pending pending(PeerId peer) {
        return pending.computeIfAbsent(peer, p -> new Pending());
    }

    /** Up to {@code n} of {@code from}, chosen at random; all of them, shuffled, when there are not more. */
    private <T> List<T> pick(Collection<T> from, int n) {
        List<T> all = shuffle(new ArrayList<>(from));
        return n >= all.size() ? all : new ArrayList<>(all.subList(0, Math.max(0, n)));
    }

    private <T> List<T> shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
        return list;
    }

    /** One peer's pending RPC as RPCs within {@code maxRpcSize}: control and subscriptions first, then messages. */
    private void split(PeerId peer, Pending p, List<Send> sends) {
        Rpc head = new Rpc(p.subscriptions, List.of(), p.ihave, p.iwant, p.graft, p.prune, p.idontwant);
        int size = head.isEmpty() ? 0 : PubsubCodec.size(head);
        List<Message> batch = new ArrayList<>();
        for (Message m : p.messages) {
            int more = PubsubCodec.publishFieldSize(m);
            if (size + more > config.maxRpcSize() && (!head.isEmpty() || !batch.isEmpty())) {
                sends.add(new Send(peer, withMessages(head, batch)));
                head = Rpc.EMPTY;
                batch = new ArrayList<>();
                size = 0;
            }
            batch.add(m);
            size += more;
        }
        if (!head.isEmpty() || !batch.isEmpty()) {
            sends.add(new Send(peer, withMessages(head, batch)));
        }
    }

    private static Rpc withMessages(Rpc head, List<Message> messages) {
        return new Rpc(head.subscriptions(), messages, head.ihave(), head.iwant(), head.graft(), head.prune(),
                head.idontwant());
    }
}
