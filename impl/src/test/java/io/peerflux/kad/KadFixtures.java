package io.peerflux.kad;

import io.peerflux.kad.record.InvalidRecordException;
import io.peerflux.kad.record.Validator;
import io.peerflux.kad.record.Validators;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import io.peerflux.resource.ServiceMemory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Peers, ids, keys and a recording {@link KadNode.Network} for the DHT core's tests. */
final class KadFixtures {

    /** 2024-01-01T00:00:00Z, epoch nanoseconds: a start time the stores' second counters hold. */
    static final long T0 = 1_704_067_200L * 1_000_000_000L;
    static final long SECOND = 1_000_000_000L;

    private KadFixtures() {}

    /** A service budget of {@code cap} bytes that counts what is held, as a resource manager's scope would. */
    static final class Budget implements ServiceMemory {
        final long cap;
        long held;

        Budget(long cap) {
            this.cap = cap;
        }

        @Override
        public boolean reserve(long bytes) {
            if (held + bytes > cap) {
                return false;
            }
            held += bytes;
            return true;
        }

        @Override
        public void release(long bytes) {
            held -= bytes;
        }
    }

    /** A peer id as sha2-256 multihash of random bytes: valid, and cheap (no key to decode). */
    static PeerId peer(Random random) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return PeerId.fromBytes(Multihash.of(Multihash.SHA2_256, digest).bytes());
    }

    static List<PeerId> peers(Random random, int n) {
        List<PeerId> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(peer(random));
        }
        return out;
    }

    static KadId id(Random random) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return KadId.fromDigest(digest);
    }

    static KadId idOf(PeerId peer) {
        return KadId.of(peer.bytes());
    }

    /** {@code peers} sorted by distance to {@code target}, closest first. */
    static List<PeerId> byDistance(KadId target, List<PeerId> peers) {
        List<PeerId> out = new ArrayList<>(peers);
        out.sort(Comparator.comparing(p -> target.distance(idOf(p))));
        return out;
    }

    static Multiaddr tcp(String ip, int port) {
        return Multiaddr.of((ip.contains(":") ? "/ip6/" : "/ip4/") + ip + "/tcp/" + port);
    }

    static PeerInfo info(PeerId peer) {
        return new PeerInfo(peer, List.of(tcp("127.0.0.1", 4001)));
    }

    static List<PeerInfo> infos(List<PeerId> peers) {
        return peers.stream().map(KadFixtures::info).toList();
    }

    /** A provider key: a sha2-256 multihash. */
    static byte[] providerKey(String content) {
        return Multihash.sha256(content.getBytes(StandardCharsets.UTF_8)).bytes();
    }

    static byte[] recordKey(String name) {
        return ("/t/" + name).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Namespace {@code t}: a value is {@code v<number>}, the higher number better; anything else is invalid. Records
     * live one hour.
     */
    static final Validator VERSIONED = new Validator() {
        @Override
        public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException {
            version(value);
        }

        @Override
        public int select(byte[] key, List<byte[]> values) {
            int best = 0;
            for (int i = 1; i < values.size(); i++) {
                if (uncheckedVersion(values.get(i)) > uncheckedVersion(values.get(best))) {
                    best = i;
                }
            }
            return best;
        }

        @Override
        public Instant expiry(byte[] key, byte[] value, Instant received) {
            return received.plus(Duration.ofHours(1));
        }

        private int uncheckedVersion(byte[] value) {
            try {
                return version(value);
            } catch (InvalidRecordException e) {
                throw new IllegalArgumentException(e);
            }
        }

        private int version(byte[] value) throws InvalidRecordException {
            String s = new String(value, StandardCharsets.UTF_8);
            if (!s.matches("v[0-9]{1,9}")) {
                throw new InvalidRecordException("not a version: " + s);
            }
            return Integer.parseInt(s.substring(1));
        }
    };

    /** Defaults with small k and alpha, the {@code t} namespace, and the diversity filter off. */
    static KademliaConfig config(int k, int alpha) {
        return KademliaConfig.defaults()
                .withReplication(k, alpha)
                .withIpDiversity(0, 0)
                .withValidators(Validators.defaults().withNamespace("t", VERSIONED));
    }

    /** A {@link KadNode.Network} that records what the node asks of it. */
    static final class FakeNetwork implements KadNode.Network {

        record Sent(long id, PeerInfo peer, KadMessage message, boolean expectsResponse) {}

        record Learned(PeerInfo peer, long ttlNanos) {}

        final List<Sent> sent = new ArrayList<>();
        final Set<Long> cancelled = new HashSet<>();
        final Map<PeerId, List<Multiaddr>> addresses = new HashMap<>();
        final List<Learned> learned = new ArrayList<>();

        @Override
        public void send(long requestId, PeerInfo peer, KadMessage request, boolean expectsResponse) {
            sent.add(new Sent(requestId, peer, request, expectsResponse));
        }

        @Override
        public void cancel(long requestId) {
            cancelled.add(requestId);
        }

        @Override
        public List<Multiaddr> addresses(PeerId peer) {
            return addresses.getOrDefault(peer, List.of());
        }

        @Override
        public void learned(PeerInfo peer, long ttlNanos) {
            learned.add(new Learned(peer, ttlNanos));
        }

        /** Gives {@code peer} an address (so that answers hand it out) and returns it with it. */
        PeerInfo know(PeerId peer) {
            List<Multiaddr> list = List.of(tcp("127.0.0.1", 4000 + addresses.size()));
            addresses.put(peer, list);
            return new PeerInfo(peer, list);
        }

        /** Requests sent and neither answered by the test nor cancelled by the node, oldest first. */
        List<Sent> open(Set<Long> answered) {
            return sent.stream().filter(s -> !answered.contains(s.id) && !cancelled.contains(s.id)).toList();
        }

        List<Sent> sentTo(PeerId peer) {
            return sent.stream().filter(s -> s.peer.peerId().equals(peer)).toList();
        }

        List<Sent> ofType(KadMessage.Type type) {
            return sent.stream().filter(s -> s.message.type() == type).toList();
        }

        Sent last() {
            return sent.get(sent.size() - 1);
        }
    }
}
