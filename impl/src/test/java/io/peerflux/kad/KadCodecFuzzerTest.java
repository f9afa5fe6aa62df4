package io.peerflux.kad;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import java.util.Random;
import java.util.List;
import io.peerflux.peer.PeerInfo;
import io.peerflux.multiaddr.Multiaddr;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerflux.ProtocolViolationException;

/**
 * Jazzer fuzz target: {@link KadCodec#decode} of arbitrary bytes returns a message within the peer limit, which
 * encodes to bytes that decode to the same message, or throws a stream-scoped {@link ProtocolViolationException}.
 * See docs/fuzzing.md.
 */
class KadCodecFuzzerTest {

    private static final int MAX_PEERS = 20;

    @FuzzTest
    void fuzz(byte[] input) {
        KadMessage message;
        try {
            message = KadCodec.decode(input, MAX_PEERS, "/ipfs/kad/1.0.0");
        } catch (ProtocolViolationException rejected) {
            assertThat(rejected.scope()).isEqualTo(ProtocolViolationException.Scope.STREAM);
            return;
        }
        assertThat(message.closerPeers()).hasSizeLessThanOrEqualTo(MAX_PEERS);
        assertThat(message.providerPeers()).hasSizeLessThanOrEqualTo(MAX_PEERS);
        byte[] encoded = KadCodec.encode(message);
        KadMessage again = KadCodec.decode(encoded, MAX_PEERS, "/ipfs/kad/1.0.0");
        assertThat(KadCodec.encode(again)).isEqualTo(encoded);
        assertThat(again.type()).isEqualTo(message.type());
        assertThat(again.key()).isEqualTo(message.key());
        assertThat(again.closerPeers()).isEqualTo(message.closerPeers());
        assertThat(again.providerPeers()).isEqualTo(message.providerPeers());
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        Random random = new Random(1);
        List<PeerInfo> peers = List.of(
                new PeerInfo(KadFixtures.peer(random), List.of(Multiaddr.of("/ip4/1.2.3.4/tcp/4001"))),
                new PeerInfo(KadFixtures.peer(random), List.of()));
        seeds.add(target, "find-node", KadCodec.encode(KadMessage.request(KadMessage.Type.FIND_NODE, new byte[] {1, 2})));
        seeds.add(target, "closer-peers", KadCodec.encode(new KadMessage(KadMessage.Type.FIND_NODE, new byte[] {1},
                null, peers, List.of())));
        seeds.add(target, "providers", KadCodec.encode(new KadMessage(KadMessage.Type.GET_PROVIDERS, new byte[] {1},
                null, List.of(), peers)));
        seeds.add(target, "put-value", KadCodec.encode(new KadMessage(KadMessage.Type.PUT_VALUE, new byte[] {1},
                new KadMessage.Record(new byte[] {1}, new byte[] {2, 3}, "2026-01-01T00:00:00Z"), List.of(),
                List.of())));
        seeds.verifyOrWrite();
    }
}
