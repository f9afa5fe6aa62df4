package io.peerflux.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerflux.ProtocolViolationException;
import io.peerflux.testing.FuzzSeeds;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Jazzer fuzz target: {@link PubsubCodec#decode} of arbitrary bytes returns an RPC within the limits, which encodes
 * to bytes that decode to the same RPC, or throws a stream-scoped {@link ProtocolViolationException}. See
 * docs/fuzzing.md.
 */
class PubsubCodecFuzzerTest {

    private static final PubsubCodec.Limits LIMITS = new PubsubCodec.Limits(8, 16, 4);

    @FuzzTest
    void fuzz(byte[] input) {
        Rpc rpc;
        try {
            rpc = PubsubCodec.decode(input, LIMITS, "/meshsub/1.1.0");
        } catch (ProtocolViolationException rejected) {
            assertThat(rejected.scope()).isEqualTo(ProtocolViolationException.Scope.STREAM);
            return;
        }
        assertThat(rpc.subscriptions()).hasSizeLessThanOrEqualTo(LIMITS.maxEntries());
        assertThat(rpc.messages()).hasSizeLessThanOrEqualTo(LIMITS.maxEntries());
        assertThat(rpc.ihave()).hasSizeLessThanOrEqualTo(LIMITS.maxEntries());
        assertThat(rpc.ihave().stream().mapToInt(i -> i.ids().size()).sum())
                .isLessThanOrEqualTo(LIMITS.maxMessageIds());
        assertThat(rpc.iwant()).hasSizeLessThanOrEqualTo(LIMITS.maxMessageIds());
        assertThat(rpc.idontwant()).hasSizeLessThanOrEqualTo(LIMITS.maxMessageIds());
        assertThat(rpc.graft()).hasSizeLessThanOrEqualTo(LIMITS.maxEntries());
        assertThat(rpc.prune()).hasSizeLessThanOrEqualTo(LIMITS.maxEntries())
                .allSatisfy(p -> assertThat(p.peers()).hasSizeLessThanOrEqualTo(LIMITS.maxPeerExchange()));
        byte[] encoded = PubsubCodec.encode(rpc);
        Rpc again = PubsubCodec.decode(encoded, LIMITS, "/meshsub/1.1.0");
        assertThat(PubsubCodec.encode(again)).isEqualTo(encoded);
        assertThat(again.subscriptions()).isEqualTo(rpc.subscriptions());
        assertThat(again.messages()).isEqualTo(rpc.messages());
        assertThat(again.ihave()).isEqualTo(rpc.ihave());
        assertThat(again.iwant()).isEqualTo(rpc.iwant());
        assertThat(again.graft()).isEqualTo(rpc.graft());
        assertThat(again.idontwant()).isEqualTo(rpc.idontwant());
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        MessageId id = MessageId.of(new byte[] {1, 2, 3});
        seeds.add(target, "subscriptions", PubsubCodec.encode(new Rpc(List.of(new Rpc.Subscription(true, "news"),
                new Rpc.Subscription(false, "old")), List.of(), List.of(), List.of(), List.of(), List.of(), List.of())));
        seeds.add(target, "signed-message", PubsubCodec.encode(Rpc.ofMessages(List.of(
                MessageSigning.sign("news", new byte[] {1, 2}, 1, PubsubFixtures.key(1))))));
        seeds.add(target, "control", PubsubCodec.encode(new Rpc(List.of(), List.of(),
                List.of(new Rpc.IHave("news", List.of(id))), List.of(id), List.of("news"),
                List.of(new Rpc.Prune("news", List.of(new Rpc.PeerExchange(PubsubFixtures.peer(2).bytes(),
                        new byte[] {9})), 60)), List.of(id))));
        seeds.verifyOrWrite();
    }
}
