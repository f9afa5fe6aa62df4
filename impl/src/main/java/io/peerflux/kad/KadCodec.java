package io.peerflux.kad;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.kad.pb.KadProtos;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Protobuf for {@link KadMessage}s. Decoding is forgiving where the spec lets it be and strict where it must be: a
 * peer entry whose id does not parse is dropped, an address that does not parse is dropped, and at most
 * {@code maxPeers} entries per list and {@link #MAX_ADDRESSES} addresses per peer are kept; a message that is not
 * protobuf or has a type we do not know is a {@link ProtocolViolationException}. A missing type is {@code PUT_VALUE}
 * (0): proto3 encoders, js-libp2p's among them, leave out fields at their default.
 */
public final class KadCodec {

    /** Addresses kept per peer entry; the rest are dropped (a peer rarely has more than a handful). */
    public static final int MAX_ADDRESSES = 32;

    private KadCodec() {}

    public static byte[] encode(KadMessage message) {
        KadProtos.Message.Builder out = KadProtos.Message.newBuilder()
                .setType(KadProtos.Message.MessageType.forNumber(message.type().ordinal()));
        if (message.key().length > 0) {
            out.setKey(ByteString.copyFrom(message.key()));
        }
        if (message.record() != null) {
            KadProtos.Record.Builder record = KadProtos.Record.newBuilder()
                    .setKey(ByteString.copyFrom(message.record().key()))
                    .setValue(ByteString.copyFrom(message.record().value()));
            if (!message.record().timeReceived().isEmpty()) {
                record.setTimeReceived(message.record().timeReceived());
            }
            out.setRecord(record);
        }
        message.closerPeers().forEach(p -> out.addCloserPeers(peer(p)));
        message.providerPeers().forEach(p -> out.addProviderPeers(peer(p)));
        return out.build().toByteArray();
    }

    /**
     * Decodes one message.
     *
     * @param protocol the protocol id, for error messages
     * @param maxPeers the most closer and provider entries kept from each list
     * @throws ProtocolViolationException when the bytes are not a message of a known type
     */
    public static KadMessage decode(byte[] bytes, int maxPeers, String protocol) {
        KadProtos.Message in;
        try {
            in = KadProtos.Message.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw ProtocolViolationException.stream(protocol, "malformed message: " + e.getMessage());
        }
        if (!in.hasType() && in.getUnknownFields().hasField(KadProtos.Message.TYPE_FIELD_NUMBER)) {
            throw ProtocolViolationException.stream(protocol, "message of an unknown type");
        }
        KadMessage.Record record = null;
        if (in.hasRecord()) {
            KadProtos.Record r = in.getRecord();
            record = new KadMessage.Record(r.getKey().toByteArray(), r.getValue().toByteArray(), r.getTimeReceived());
        }
        return new KadMessage(KadMessage.Type.values()[in.getType().getNumber()], in.getKey().toByteArray(), record,
                peers(in.getCloserPeersList(), maxPeers), peers(in.getProviderPeersList(), maxPeers));
    }

    private static KadProtos.Message.Peer peer(PeerInfo info) {
        KadProtos.Message.Peer.Builder out = KadProtos.Message.Peer.newBuilder()
                .setId(ByteString.copyFrom(info.peerId().bytes()));
        info.addresses().forEach(a -> out.addAddrs(ByteString.copyFrom(a.bytes())));
        return out.build();
    }

    private static List<PeerInfo> peers(List<KadProtos.Message.Peer> entries, int maxPeers) {
        List<PeerInfo> out = new ArrayList<>(Math.min(entries.size(), maxPeers));
        for (KadProtos.Message.Peer entry : entries) {
            if (out.size() == maxPeers) {
                break;
            }
            PeerId id;
            try {
                id = PeerId.fromBytes(entry.getId().toByteArray());
            } catch (IllegalArgumentException e) {
                continue;
            }
            List<Multiaddr> addresses = new ArrayList<>();
            for (ByteString bytes : entry.getAddrsList()) {
                if (addresses.size() == MAX_ADDRESSES) {
                    break;
                }
                try {
                    addresses.add(Multiaddr.of(bytes.toByteArray()).withoutPeerId());
                } catch (IllegalArgumentException e) {
                    // An address we cannot parse is dropped; the peer's other addresses stay usable.
                }
            }
            out.add(new PeerInfo(id, addresses));
        }
        return out;
    }
}
