package io.peerflux.pubsub;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.pubsub.pb.PubsubProtos;
import java.util.ArrayList;
import java.util.List;

/**
 * Protobuf for {@link Rpc}s. Decoding is strict about what would make a message ambiguous and caps what would let one
 * frame cost more than its size: bytes that are not protobuf, a message without a topic, or a topic that is not
 * UTF-8 are a {@link ProtocolViolationException}; beyond the {@link Limits} the extra entries are dropped, as
 * gossipsub v1.1 ("Spam Protection Measures") drops IHAVE ids beyond its limit, and an entry without its topic is
 * dropped. The frame limit ({@link PubsubFrames}) bounds what protobuf-java allocates while parsing.
 */
public final class PubsubCodec {

    /**
     * How much of one RPC is kept.
     *
     * @param maxEntries subscriptions, messages, and IHAVE, GRAFT and PRUNE entries kept, each list on its own
     * @param maxMessageIds message ids kept over all IHAVE entries, the same over all IWANT and over all IDONTWANT
     *     entries
     * @param maxPeerExchange peers kept from one PRUNE's peer exchange
     */
    public record Limits(int maxEntries, int maxMessageIds, int maxPeerExchange) {
        public Limits {
            if (maxEntries < 1 || maxMessageIds < 1 || maxPeerExchange < 0) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    private PubsubCodec() {}

    public static byte[] encode(Rpc rpc) {
        return toProto(rpc).toByteArray();
    }

    /** The encoded size of {@code rpc}, without encoding it. */
    static int size(Rpc rpc) {
        return toProto(rpc).getSerializedSize();
    }

    /** The bytes {@code m} adds to an RPC as one {@code publish} entry, computed without encoding it. */
    static int publishFieldSize(Message m) {
        int size = CodedOutputStream.computeStringSize(4, m.topic()) + bytesSize(1, m.rawFrom())
                + bytesSize(2, m.rawData()) + bytesSize(3, m.rawSeqno()) + bytesSize(5, m.rawSignature())
                + bytesSize(6, m.rawKey());
        return CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    private static int bytesSize(int field, byte[] value) {
        return value == null ? 0 : CodedOutputStream.computeByteArraySize(field, value);
    }

    /** The message as it goes on the wire; also what is signed, without signature and key. */
    static PubsubProtos.Message toProto(Message m) {
        PubsubProtos.Message.Builder out = PubsubProtos.Message.newBuilder().setTopic(m.topic());
        if (m.rawFrom() != null) {
            out.setFrom(ByteString.copyFrom(m.rawFrom()));
        }
        if (m.rawData() != null) {
            out.setData(ByteString.copyFrom(m.rawData()));
        }
        if (m.rawSeqno() != null) {
            out.setSeqno(ByteString.copyFrom(m.rawSeqno()));
        }
        if (m.rawSignature() != null) {
            out.setSignature(ByteString.copyFrom(m.rawSignature()));
        }
        if (m.rawKey() != null) {
            out.setKey(ByteString.copyFrom(m.rawKey()));
        }
        return out.build();
    }

    private static PubsubProtos.RPC toProto(Rpc rpc) {
        PubsubProtos.RPC.Builder out = PubsubProtos.RPC.newBuilder();
        for (Rpc.Subscription s : rpc.subscriptions()) {
            out.addSubscriptions(PubsubProtos.RPC.SubOpts.newBuilder().setSubscribe(s.subscribe()).setTopicid(s.topic()));
        }
        for (Message m : rpc.messages()) {
            out.addPublish(toProto(m));
        }
        if (rpc.hasControl()) {
            PubsubProtos.ControlMessage.Builder control = out.getControlBuilder();
            for (Rpc.IHave ihave : rpc.ihave()) {
                PubsubProtos.ControlIHave.Builder entry = control.addIhaveBuilder().setTopicID(ihave.topic());
                ihave.ids().forEach(id -> entry.addMessageIDs(ByteString.copyFrom(id.raw())));
            }
            if (!rpc.iwant().isEmpty()) {
                PubsubProtos.ControlIWant.Builder entry = control.addIwantBuilder();
                rpc.iwant().forEach(id -> entry.addMessageIDs(ByteString.copyFrom(id.raw())));
            }
            rpc.graft().forEach(topic -> control.addGraftBuilder().setTopicID(topic));
            for (Rpc.Prune prune : rpc.prune()) {
                PubsubProtos.ControlPrune.Builder entry = control.addPruneBuilder().setTopicID(prune.topic());
                for (Rpc.PeerExchange px : prune.peers()) {
                    PubsubProtos.PeerInfo.Builder info = entry.addPeersBuilder()
                            .setPeerID(ByteString.copyFrom(px.peerId()));
                    if (px.signedPeerRecord() != null) {
                        info.setSignedPeerRecord(ByteString.copyFrom(px.signedPeerRecord()));
                    }
                }
                if (prune.backoffSeconds() >= 0) {
                    entry.setBackoff(prune.backoffSeconds());
                }
            }
            if (!rpc.idontwant().isEmpty()) {
                PubsubProtos.ControlIDontWant.Builder entry = control.addIdontwantBuilder();
                rpc.idontwant().forEach(id -> entry.addMessageIDs(ByteString.copyFrom(id.raw())));
            }
        }
        return out.build();
    }

    /**
     * Decodes one RPC.
     *
     * @param protocol the protocol id, for error messages
     * @throws ProtocolViolationException (stream scope) when the bytes are not an RPC, a message has no topic, or a
     *     topic is not UTF-8
     */
    public static Rpc decode(byte[] bytes, Limits limits, String protocol) {
        PubsubProtos.RPC in;
        try {
            in = PubsubProtos.RPC.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw ProtocolViolationException.stream(protocol, "malformed RPC: " + e.getMessage());
        }
        int max = limits.maxEntries();
        List<Rpc.Subscription> subscriptions = new ArrayList<>();
        for (PubsubProtos.RPC.SubOpts s : in.getSubscriptionsList()) {
            if (subscriptions.size() == max) {
                break;
            }
            if (s.hasTopicid()) {
                subscriptions.add(new Rpc.Subscription(s.getSubscribe(), topic(s.getTopicidBytes(), protocol)));
            }
        }
        List<Message> messages = new ArrayList<>();
        for (PubsubProtos.Message m : in.getPublishList()) {
            if (messages.size() == max) {
                break;
            }
            if (!m.hasTopic()) {
                throw ProtocolViolationException.stream(protocol, "message without a topic");
            }
            messages.add(Message.wrap(topic(m.getTopicBytes(), protocol), bytes(m.hasData(), m.getData()),
                    bytes(m.hasFrom(), m.getFrom()), bytes(m.hasSeqno(), m.getSeqno()),
                    bytes(m.hasSignature(), m.getSignature()), bytes(m.hasKey(), m.getKey())));
        }
        if (!in.hasControl()) {
            return new Rpc(subscriptions, messages, List.of(), List.of(), List.of(), List.of(), List.of());
        }
        PubsubProtos.ControlMessage control = in.getControl();
        List<Rpc.IHave> ihave = new ArrayList<>();
        int ids = 0;
        for (PubsubProtos.ControlIHave entry : control.getIhaveList()) {
            if (ihave.size() == max || ids == limits.maxMessageIds()) {
                break;
            }
            if (entry.hasTopicID()) {
                List<MessageId> kept = new ArrayList<>();
                ids = addIds(entry.getMessageIDsList(), kept, ids, limits.maxMessageIds());
                ihave.add(new Rpc.IHave(topic(entry.getTopicIDBytes(), protocol), kept));
            }
        }
        List<MessageId> iwant = new ArrayList<>();
        ids = 0;
        for (PubsubProtos.ControlIWant entry : control.getIwantList()) {
            ids = addIds(entry.getMessageIDsList(), iwant, ids, limits.maxMessageIds());
        }
        List<String> graft = new ArrayList<>();
        for (PubsubProtos.ControlGraft entry : control.getGraftList()) {
            if (graft.size() == max) {
                break;
            }
            if (entry.hasTopicID()) {
                graft.add(topic(entry.getTopicIDBytes(), protocol));
            }
        }
        List<Rpc.Prune> prune = new ArrayList<>();
        for (PubsubProtos.ControlPrune entry : control.getPruneList()) {
            if (prune.size() == max) {
                break;
            }
            if (!entry.hasTopicID()) {
                continue;
            }
            List<Rpc.PeerExchange> peers = new ArrayList<>();
            for (PubsubProtos.PeerInfo info : entry.getPeersList()) {
                if (peers.size() == limits.maxPeerExchange()) {
                    break;
                }
                if (info.hasPeerID()) {
                    peers.add(new Rpc.PeerExchange(info.getPeerID().toByteArray(),
                            bytes(info.hasSignedPeerRecord(), info.getSignedPeerRecord())));
                }
            }
            // uint64: a value over Long.MAX_VALUE reads negative; it means "for ever" as much as Long.MAX_VALUE does.
            long backoff = !entry.hasBackoff() ? -1 : entry.getBackoff() < 0 ? Long.MAX_VALUE : entry.getBackoff();
            prune.add(new Rpc.Prune(topic(entry.getTopicIDBytes(), protocol), peers, backoff));
        }
        List<MessageId> idontwant = new ArrayList<>();
        ids = 0;
        for (PubsubProtos.ControlIDontWant entry : control.getIdontwantList()) {
            ids = addIds(entry.getMessageIDsList(), idontwant, ids, limits.maxMessageIds());
        }
        return new Rpc(subscriptions, messages, ihave, iwant, graft, prune, idontwant);
    }

    private static int addIds(List<ByteString> in, List<MessageId> out, int count, int max) {
        for (ByteString id : in) {
            if (count == max) {
                break;
            }
            out.add(MessageId.wrap(id.toByteArray()));
            count++;
        }
        return count;
    }

    private static String topic(ByteString bytes, String protocol) {
        if (!bytes.isValidUtf8()) {
            throw ProtocolViolationException.stream(protocol, "topic is not UTF-8");
        }
        return bytes.toStringUtf8();
    }

    private static byte[] bytes(boolean present, ByteString value) {
        return present ? value.toByteArray() : null;
    }
}
