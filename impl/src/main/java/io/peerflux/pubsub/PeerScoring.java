package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gossipsub v1.1's peer score ("The Score Function"): P₁–P₄ per scored topic, weighted by topic and capped by
 * {@code TopicScoreCap}, plus P₅ (the application's), P₆ (IP colocation) and P₇ (behaviour penalty), as
 * {@link PeerScoreParams} weighs them. Like the router, a state machine with no clock: time comes with the events and
 * with {@link #refresh}, which the router calls every heartbeat and which decays the counters once per elapsed
 * {@code DecayInterval}. Called on the router's thread only.
 *
 * <p>Only peers the router {@link #connected accepted} are tracked; events about others are ignored. A
 * disconnected peer's counters are kept for {@code RetainScore}, so that reconnecting does not wipe a penalty.
 * P₆ groups IPv4 peers by address and IPv6 peers by /64, a block one host commonly holds whole; a peer counts
 * with at most {@value #MAX_ADDRESSES} addresses, and stops counting when it disconnects.
 */
public final class PeerScoring implements PeerScore {

    static final int MAX_ADDRESSES = 8;

    private static final class TopicStats {
        boolean inMesh;
        long graftTime;
        long meshTime;
        boolean meshActive;
        double firstDeliveries;
        double meshDeliveries;
        double meshFailurePenalty;
        double invalidDeliveries;
    }

    private static final class PeerStats {
        boolean connected = true;
        long expires;
        final Map<String, TopicStats> topics = new HashMap<>();
        Set<InetAddress> ips = Set.of();
        double behaviourPenalty;
    }

    /** When a message first arrived, and the peers that brought it since. */
    private record FirstSeen(long time, String topic, Set<PeerId> peers) {}

    private final PeerScoreParams params;
    private final long decayNanos;
    private final Map<PeerId, PeerStats> peers = new HashMap<>();
    private final Map<InetAddress, Set<PeerId>> peersByIp = new HashMap<>();
    private final LinkedHashMap<MessageId, FirstSeen> firstSeen = new LinkedHashMap<>();
    private final long maxWindow;
    private int retained;
    private long lastDecay;

    /** @param now the time scoring starts, on the router's scale; the first decay is one interval later */
    public PeerScoring(PeerScoreParams params, long now) {
        this.params = params;
        this.decayNanos = params.decayInterval().toNanos();
        this.maxWindow = params.topics().values().stream()
                .mapToLong(t -> t.meshMessageDeliveriesWindow().toNanos()).max().orElse(0);
        this.lastDecay = now;
    }

    @Override
    public double score(PeerId peer) {
        PeerStats s = peers.get(peer);
        return s == null ? 0 : compute(peer, s, null).total();
    }

    /** The score of {@code peer}, explained; empty when it is neither connected nor retained. */
    public Optional<ScoreSnapshot> snapshot(PeerId peer) {
        PeerStats s = peers.get(peer);
        return s == null ? Optional.empty() : Optional.of(compute(peer, s, new HashMap<>()));
    }

    /** Every tracked peer's score, explained. */
    public List<ScoreSnapshot> snapshots() {
        List<ScoreSnapshot> out = new ArrayList<>(peers.size());
        peers.forEach((peer, s) -> out.add(compute(peer, s, new HashMap<>())));
        return out;
    }

    @Override
    public void connected(PeerId peer) {
        PeerStats s = peers.get(peer);
        if (s == null) {
            peers.put(peer, new PeerStats());
        } else if (!s.connected) {
            s.connected = true;
            retained--;
        }
    }

    @Override
    public void disconnected(PeerId peer, long now) {
        PeerStats s = peers.get(peer);
        if (s == null || !s.connected) {
            return;
        }
        setIps(peer, s, Set.of());
        s.topics.values().forEach(t -> {
            t.inMesh = false;
            t.meshActive = false;
        });
        if (params.retainScore().isZero() || params.retainedPeers() == 0) {
            peers.remove(peer);
            return;
        }
        if (retained >= params.retainedPeers()) {
            // Keep the worst: forgetting a good score costs little, forgetting a penalty lets it be evaded.
            PeerId best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (Map.Entry<PeerId, PeerStats> e : peers.entrySet()) {
                if (e.getValue().connected) {
                    continue;
                }
                double score = score(e.getKey());
                if (score > bestScore) {
                    best = e.getKey();
                    bestScore = score;
                }
            }
            if (best == null || bestScore <= score(peer)) {
                peers.remove(peer);
                return;
            }
            peers.remove(best);
            retained--;
        }
        s.connected = false;
        s.expires = now + params.retainScore().toNanos();
        retained++;
    }

    @Override
    public void addresses(PeerId peer, Set<InetAddress> addresses) {
        PeerStats s = peers.get(peer);
        if (s == null || !s.connected) {
            return;
        }
        Set<InetAddress> ips = new HashSet<>();
        for (InetAddress address : addresses) {
            if (ips.size() < MAX_ADDRESSES
                    && params.ipColocationFactorWhitelist().stream().noneMatch(r -> r.contains(address))) {
                ips.add(group(address));
            }
        }
        setIps(peer, s, ips);
    }

    @Override
    public void refresh(long now) {
        long intervals = Math.max(0, (now - lastDecay) / decayNanos);
        lastDecay += intervals * decayNanos;
        Iterator<Map.Entry<PeerId, PeerStats>> it = peers.entrySet().iterator();
        while (it.hasNext()) {
            PeerStats s = it.next().getValue();
            if (!s.connected && now - s.expires >= 0) {
                it.remove();
                retained--;
                continue;
            }
            for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
                TopicScoreParams p = params.topics().get(e.getKey());
                TopicStats t = e.getValue();
                if (t.inMesh) {
                    t.meshTime = now - t.graftTime;
                    t.meshActive |= t.meshTime >= p.meshMessageDeliveriesActivation().toNanos();
                }
                if (intervals > 0) {
                    t.firstDeliveries = decay(t.firstDeliveries, p.firstMessageDeliveriesDecay(), intervals);
                    t.meshDeliveries = decay(t.meshDeliveries, p.meshMessageDeliveriesDecay(), intervals);
                    t.meshFailurePenalty = decay(t.meshFailurePenalty, p.meshFailurePenaltyDecay(), intervals);
                    t.invalidDeliveries = decay(t.invalidDeliveries, p.invalidMessageDeliveriesDecay(), intervals);
                }
            }
            if (intervals > 0) {
                s.behaviourPenalty = decay(s.behaviourPenalty, params.behaviourPenaltyDecay(), intervals);
            }
        }
        forgetFirstSeen(now);
    }

    @Override
    public void graft(PeerId peer, String topic, long now) {
        TopicStats t = topicStats(peer, topic);
        if (t != null) {
            t.inMesh = true;
            t.graftTime = now;
            t.meshTime = 0;
            t.meshActive = false;
        }
    }

    @Override
    public void prune(PeerId peer, String topic, long now) {
        TopicStats t = topicStats(peer, topic);
        if (t == null) {
            return;
        }
        double threshold = params.topics().get(topic).meshMessageDeliveriesThreshold();
        if (t.meshActive && t.meshDeliveries < threshold) {
            double deficit = threshold - t.meshDeliveries;
            t.meshFailurePenalty += deficit * deficit;
        }
        t.inMesh = false;
        t.meshActive = false;
    }

    @Override
    public void firstDelivery(PeerId peer, MessageId id, String topic, long now) {
        TopicStats t = topicStats(peer, topic);
        if (t == null) {
            return;
        }
        forgetFirstSeen(now);
        if (firstSeen.size() >= params.maxTrackedMessages()) {
            firstSeen.remove(firstSeen.keySet().iterator().next());
        }
        Set<PeerId> by = new HashSet<>();
        by.add(peer);
        firstSeen.put(id, new FirstSeen(now, topic, by));
        TopicScoreParams p = params.topics().get(topic);
        t.firstDeliveries = Math.min(t.firstDeliveries + 1, p.firstMessageDeliveriesCap());
        if (t.inMesh) {
            t.meshDeliveries = Math.min(t.meshDeliveries + 1, p.meshMessageDeliveriesCap());
        }
    }

    @Override
    public void duplicateDelivery(PeerId peer, MessageId id, String topic, long now) {
        TopicStats t = topicStats(peer, topic);
        FirstSeen first = firstSeen.get(id);
        if (t == null || first == null || !first.topic().equals(topic) || !first.peers().add(peer)) {
            return;
        }
        TopicScoreParams p = params.topics().get(topic);
        if (t.inMesh && now - first.time() <= p.meshMessageDeliveriesWindow().toNanos()) {
            t.meshDeliveries = Math.min(t.meshDeliveries + 1, p.meshMessageDeliveriesCap());
        }
    }

    @Override
    public void invalidMessage(PeerId peer, String topic, Rejection reason, long now) {
        TopicStats t = topicStats(peer, topic);
        if (t != null) {
            t.invalidDeliveries++;
        }
    }

    @Override
    public void behaviourPenalty(PeerId peer, int count) {
        PeerStats s = peers.get(peer);
        if (s != null && s.connected) {
            s.behaviourPenalty += count;
        }
    }

    // ---- internals ----

    /** The score; fills {@code topicScores} with each topic's part unless it is null. */
    private ScoreSnapshot compute(PeerId peer, PeerStats s, Map<String, ScoreSnapshot.TopicScore> topicScores) {
        double topics = 0;
        for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
            TopicScoreParams p = params.topics().get(e.getKey());
            TopicStats t = e.getValue();
            double p1 = t.inMesh
                    ? Math.min((double) t.meshTime / p.timeInMeshQuantum().toNanos(), p.timeInMeshCap()) : 0;
            double p3 = 0;
            if (t.inMesh && t.meshActive && t.meshDeliveries < p.meshMessageDeliveriesThreshold()) {
                double deficit = p.meshMessageDeliveriesThreshold() - t.meshDeliveries;
                p3 = deficit * deficit;
            }
            double p4 = t.invalidDeliveries * t.invalidDeliveries;
            double score = p.topicWeight() * (p.timeInMeshWeight() * p1
                    + p.firstMessageDeliveriesWeight() * t.firstDeliveries
                    + p.meshMessageDeliveriesWeight() * p3
                    + p.meshFailurePenaltyWeight() * t.meshFailurePenalty
                    + p.invalidMessageDeliveriesWeight() * p4);
            topics += score;
            if (topicScores != null) {
                topicScores.put(e.getKey(), new ScoreSnapshot.TopicScore(score, p1, t.firstDeliveries, p3,
                        t.meshFailurePenalty, p4));
            }
        }
        if (params.topicScoreCap() > 0 && topics > params.topicScoreCap()) {
            topics = params.topicScoreCap();
        }
        double p5 = params.appSpecificScore().applyAsDouble(peer);
        double p6 = 0;
        for (InetAddress ip : s.ips) {
            double surplus = peersByIp.get(ip).size() - params.ipColocationFactorThreshold();
            if (surplus > 0) {
                p6 += surplus * surplus;
            }
        }
        double excess = s.behaviourPenalty - params.behaviourPenaltyThreshold();
        double p7 = excess > 0 ? excess * excess : 0;
        double total = topics + params.appSpecificWeight() * p5 + params.ipColocationFactorWeight() * p6
                + params.behaviourPenaltyWeight() * p7;
        return new ScoreSnapshot(peer, total, s.connected, topicScores == null ? Map.of() : topicScores, topics,
                p5, p6, p7);
    }

    /** A connected peer's counters in a scored topic, made on first use; null otherwise. */
    private TopicStats topicStats(PeerId peer, String topic) {
        PeerStats s = peers.get(peer);
        if (s == null || !s.connected || !params.topics().containsKey(topic)) {
            return null;
        }
        return s.topics.computeIfAbsent(topic, k -> new TopicStats());
    }

    private void setIps(PeerId peer, PeerStats s, Set<InetAddress> ips) {
        for (InetAddress ip : s.ips) {
            Set<PeerId> on = peersByIp.get(ip);
            on.remove(peer);
            if (on.isEmpty()) {
                peersByIp.remove(ip);
            }
        }
        s.ips = ips;
        for (InetAddress ip : ips) {
            peersByIp.computeIfAbsent(ip, k -> new HashSet<>()).add(peer);
        }
    }

    /** The address for IPv4, its /64 for IPv6. */
    private static InetAddress group(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(b, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void forgetFirstSeen(long now) {
        Iterator<FirstSeen> it = firstSeen.values().iterator();
        while (it.hasNext() && now - it.next().time() > maxWindow) {
            it.remove();
        }
    }

    private double decay(double value, double factor, long intervals) {
        double decayed = value * Math.pow(factor, intervals);
        return decayed < params.decayToZero() ? 0 : decayed;
    }
}
