package io.peerflux.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link KadNode#nextWakeup()} never names a time already handled, so a binding's timer cannot spin. */
class KadNodeWakeupTest {

    private record Sent(long id, PeerId peer, KadMessage message) {}

    private final List<Sent> sent = new ArrayList<>();
    private final List<Multiaddr> address = List.of(Multiaddr.of("/ip4/10.0.0.1/tcp/4001"));
    private final KadNode.Network network = new KadNode.Network() {
        @Override
        public void send(long requestId, PeerInfo peer, KadMessage request, boolean expectsResponse) {
            sent.add(new Sent(requestId, peer.peerId(), request));
        }

        @Override
        public void cancel(long requestId) {
        }

        @Override
        public List<Multiaddr> addresses(PeerId peer) {
            return address;
        }

        @Override
        public void learned(PeerInfo peer, long ttlNanos) {
        }
    };

    @Test
    void storingProvideDoesNotWakeForLookupRequestsItLeftBehind() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] key = multihash(random);
        KadId target = KadId.of(key);
        List<PeerId> peers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            peers.add(PeerId.fromBytes(multihash(random)));
        }
        peers.sort(Comparator.comparing((PeerId p) -> KadId.of(p.bytes()), target::compareDistance));
        List<PeerId> close = peers.subList(0, 20);
        List<PeerId> far = peers.subList(20, 40);
        long now = 1_000_000_000_000L;
        KadNode node = new KadNode(PeerId.fromBytes(multihash(random)),
                KademliaConfig.defaults().withIpDiversity(0, 0), network, random, now);
        far.forEach(p -> node.peerIdentified(p, true, null, now));
        sent.forEach(s -> node.responded(s.id(), answer(s, List.of()), now));
        sent.clear();

        node.start(KadNode.Kind.PROVIDE, key, null, 0, null, now);
        // One of the ten asked names the twenty closer peers; the other nine never answer.
        Sent first = sent.get(0);
        node.responded(first.id(), answer(first, close.stream().map(p -> new PeerInfo(p, address)).toList()), now);
        for (int i = 10; i < sent.size(); i++) {
            Sent s = sent.get(i);
            if (s.message().type() == KadMessage.Type.FIND_NODE) {
                node.responded(s.id(), answer(s, List.of()), now);
            }
        }
        assertThat(sent).anyMatch(s -> s.message().type() == KadMessage.Type.ADD_PROVIDER);

        long later = now + KademliaConfig.defaults().initialRequestTimeout().toNanos();
        node.tick(later);
        assertThat(node.queries()).isEqualTo(1);
        assertThat(node.nextWakeup()).isGreaterThan(later);
    }

    private static KadMessage answer(Sent request, List<PeerInfo> closer) {
        return new KadMessage(request.message().type(), request.message().key(), null, closer, List.of());
    }

    private static byte[] multihash(SplittableRandom random) {
        byte[] bytes = new byte[34];
        random.nextBytes(bytes);
        bytes[0] = 0x12;
        bytes[1] = 0x20;
        return bytes;
    }
}
