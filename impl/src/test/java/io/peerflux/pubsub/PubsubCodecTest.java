package io.peerflux.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.ProtocolViolationException;
import io.peerflux.pubsub.pb.PubsubProtos;
import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PubsubCodecTest {

    private static final String PROTOCOL = "/meshsub/1.1.0";
    private static final PubsubCodec.Limits LIMITS = new PubsubCodec.Limits(4, 5, 2);

    private static MessageId id(int n) {
        return MessageId.of(new byte[] {(byte) n});
    }

    @Test
    void everyFieldSurvivesARoundTrip() {
        Message signed = new Message("news", new byte[] {1, 2}, new byte[] {3}, new byte[8], new byte[] {4},
                new byte[] {5});
        Message bare = new Message("other", null, null, null, null, null);
        Rpc rpc = new Rpc(List.of(new Rpc.Subscription(true, "news"), new Rpc.Subscription(false, "old")),
                List.of(signed, bare), List.of(new Rpc.IHave("news", List.of(id(1), id(2)))), List.of(id(3)),
                List.of("news"),
                List.of(new Rpc.Prune("news", List.of(new Rpc.PeerExchange(new byte[] {6}, new byte[] {7}),
                        new Rpc.PeerExchange(new byte[] {8}, null)), 60), new Rpc.Prune("old", List.of(), -1)),
                List.of(id(4)));

        Rpc back = PubsubCodec.decode(PubsubCodec.encode(rpc), LIMITS, PROTOCOL);

        assertThat(back.subscriptions()).isEqualTo(rpc.subscriptions());
        assertThat(back.messages()).containsExactly(signed, bare);
        assertThat(back.messages().get(1).rawData()).as("absent stays absent").isNull();
        assertThat(back.ihave()).isEqualTo(rpc.ihave());
        assertThat(back.iwant()).containsExactly(id(3));
        assertThat(back.graft()).containsExactly("news");
        assertThat(back.prune()).hasSize(2);
        assertThat(back.prune().get(0).backoffSeconds()).isEqualTo(60);
        assertThat(back.prune().get(0).peers().get(0).signedPeerRecord()).containsExactly(7);
        assertThat(back.prune().get(0).peers().get(1).signedPeerRecord()).isNull();
        assertThat(back.prune().get(1).backoffSeconds()).isEqualTo(-1);
        assertThat(back.idontwant()).containsExactly(id(4));
        assertThat(PubsubCodec.size(rpc)).isEqualTo(PubsubCodec.encode(rpc).length);
    }

    @Test
    void readsTheSpecsFieldNumbers() {
        // RPC{subscriptions=[{subscribe=true, topicid="a"}], publish=[{from=0x01, data=0x02, seqno=0x03, topic="t"}],
        //     control={graft=[{topicID="g"}], idontwant=[{messageIDs=[0x09]}]}}, written by hand.
        byte[] bytes = HexFormat.of().parseHex("0a050801120161" + "120c0a0101120102" + "1a0103" + "220174"
                + "1a0a" + "1a03" + "0a0167" + "2a03" + "0a0109");
        Rpc rpc = PubsubCodec.decode(bytes, LIMITS, PROTOCOL);
        assertThat(rpc.subscriptions()).containsExactly(new Rpc.Subscription(true, "a"));
        assertThat(rpc.messages()).containsExactly(new Message("t", new byte[] {2}, new byte[] {1}, new byte[] {3},
                null, null));
        assertThat(rpc.graft()).containsExactly("g");
        assertThat(rpc.idontwant()).containsExactly(id(9));
    }

    @Test
    void bytesThatAreNotAnRpcAreAStreamViolation() {
        assertThatThrownBy(() -> PubsubCodec.decode(new byte[] {0x0a, 0x05, 0x08}, LIMITS, PROTOCOL))
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.scope()).isEqualTo(ProtocolViolationException.Scope.STREAM));
    }

    @Test
    void aMessageWithoutTopicIsAStreamViolation() {
        byte[] bytes = PubsubProtos.RPC.newBuilder()
                .addPublish(PubsubProtos.Message.newBuilder().setData(ByteString.copyFromUtf8("x"))).build()
                .toByteArray();
        assertThatThrownBy(() -> PubsubCodec.decode(bytes, LIMITS, PROTOCOL))
                .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("without a topic");
    }

    @Test
    void aTopicThatIsNotUtf8IsAStreamViolation() {
        byte[] bytes = PubsubProtos.RPC.newBuilder()
                .addSubscriptions(PubsubProtos.RPC.SubOpts.newBuilder().setSubscribe(true)
                        .setTopicidBytes(ByteString.copyFrom(new byte[] {(byte) 0xff}))).build().toByteArray();
        assertThatThrownBy(() -> PubsubCodec.decode(bytes, LIMITS, PROTOCOL))
                .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void keepsAtMostTheLimitsAndDropsEntriesWithoutTopic() {
        PubsubProtos.ControlMessage.Builder control = PubsubProtos.ControlMessage.newBuilder();
        PubsubProtos.RPC.Builder rpc = PubsubProtos.RPC.newBuilder();
        for (int i = 0; i < 6; i++) {
            rpc.addSubscriptions(PubsubProtos.RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid("t" + i));
            control.addIhave(PubsubProtos.ControlIHave.newBuilder().setTopicID("t" + i)
                    .addMessageIDs(ByteString.copyFrom(new byte[] {(byte) i}))
                    .addMessageIDs(ByteString.copyFrom(new byte[] {(byte) (i + 100)})));
            control.addIwant(PubsubProtos.ControlIWant.newBuilder()
                    .addMessageIDs(ByteString.copyFrom(new byte[] {(byte) i})));
            control.addGraft(PubsubProtos.ControlGraft.newBuilder().setTopicID("t" + i));
        }
        control.addGraft(0, PubsubProtos.ControlGraft.newBuilder());
        PubsubProtos.ControlPrune.Builder prune = control.addPruneBuilder().setTopicID("t")
                .setBackoff(-1L); // 2^64 - 1 on the wire
        for (int i = 0; i < 3; i++) {
            prune.addPeers(PubsubProtos.PeerInfo.newBuilder().setPeerID(ByteString.copyFrom(new byte[] {(byte) i})));
        }
        rpc.setControl(control);

        Rpc decoded = PubsubCodec.decode(rpc.build().toByteArray(), LIMITS, PROTOCOL);

        assertThat(decoded.subscriptions()).hasSize(4);
        assertThat(decoded.ihave()).as("5 ids over all IHAVE entries: 2 + 2 + 1")
                .extracting(i -> i.ids().size()).containsExactly(2, 2, 1);
        assertThat(decoded.iwant()).hasSize(5);
        assertThat(decoded.graft()).as("the entry without topic dropped, then 4 kept")
                .containsExactly("t0", "t1", "t2", "t3");
        assertThat(decoded.prune().get(0).peers()).hasSize(2);
        assertThat(decoded.prune().get(0).backoffSeconds()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void publishFieldSizeIsWhatTheMessageAddsToAnRpc() {
        Message m = new Message("news", new byte[300], new byte[38], new byte[8], new byte[64], null);
        int withoutMessage = PubsubCodec.encode(Rpc.EMPTY).length;
        assertThat(PubsubCodec.encode(Rpc.ofMessages(List.of(m))).length - withoutMessage)
                .isEqualTo(PubsubCodec.publishFieldSize(m));
    }
}
