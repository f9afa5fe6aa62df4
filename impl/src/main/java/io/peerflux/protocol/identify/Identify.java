package io.peerflux.protocol.identify;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.Peerstore;
import io.peerflux.ProtocolViolationException;
import io.peerflux.Stream;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Varint;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.identify.pb.IdentifyProtos;
import io.peerflux.record.InvalidEnvelopeException;
import io.peerflux.record.PeerRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * identify ({@code /ipfs/id/1.0.0}) and identify push ({@code /ipfs/id/push/1.0.0}), libp2p/specs
 * identify/README.md: each side sends a uvarint-length-prefixed {@code Identify} protobuf and closes the stream.
 * Records that name another key than the connection's authenticated peer are rejected.
 *
 * <p>Each record carries our signed peer record (RFC 0003) of our listen addresses, {@code signedPeerRecord}; one
 * received is verified, and kept in the peerstore as the peer's certified record when it is the peer's own and newer
 * than the one kept. One that does not verify is left out with a debug log line: the rest of the record still counts.
 */
public final class Identify {

    public static final String PROTOCOL_ID = "/ipfs/id/1.0.0";
    public static final String PUSH_PROTOCOL_ID = "/ipfs/id/push/1.0.0";
    public static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    /** The most bytes read from one identify stream. */
    public static final int MAX_MESSAGE_SIZE = 64 * 1024;
    /** At most this many listen addresses and protocols are taken from a record. */
    static final int MAX_ENTRIES = 1024;

    private static final Logger log = LoggerFactory.getLogger(Identify.class);

    private final Host host;
    private final PrivateKey identity;
    private final String agentVersion;
    /** Our signed peer record, made again when our listen addresses change; guarded by this. */
    private PeerRecord ownRecord;

    /** Identify for {@code host}, whose identity is {@code identity}, announcing {@code agentVersion}. */
    public Identify(Host host, PrivateKey identity, String agentVersion) {
        this.host = host;
        this.identity = identity;
        this.agentVersion = agentVersion;
    }

    /** Asks the remote of {@code connection} for its record and stores what it says in the peerstore. */
    public Mono<IdentifyInfo> exchange(Connection connection) {
        return connection.newStream(PROTOCOL_ID).flatMap(stream -> stream.closeWrite()
                .then(read(stream))
                .doOnNext(info -> remember(stream, info)));
    }

    /** Serves {@code /ipfs/id/1.0.0}: sends our record. */
    public Mono<Void> respond(Stream stream) {
        return stream.send(Mono.fromCallable(() -> encode(stream.connection())));
    }

    /** Serves {@code /ipfs/id/push/1.0.0}: reads the pushed record and stores it. */
    public Mono<IdentifyInfo> receivePush(Stream stream) {
        return read(stream).doOnNext(info -> remember(stream, info));
    }

    /** Pushes our record to every connected peer, after our protocols changed. */
    public void protocolsChanged() {
        for (Connection connection : host.connections()) {
            connection.newStream(PUSH_PROTOCOL_ID)
                    .flatMap(stream -> stream.send(Mono.fromCallable(() -> encode(connection)))
                            .then(stream.closeWrite()))
                    .subscribe(null, e -> log.debug("identify push to {} failed: {}", connection, e.toString()));
        }
    }

    private ByteBuf encode(Connection connection) {
        IdentifyProtos.Identify.Builder record = IdentifyProtos.Identify.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION)
                .setAgentVersion(agentVersion)
                .setPublicKey(ByteString.copyFrom(identity.publicKey().marshal()))
                .setObservedAddr(ByteString.copyFrom(connection.remoteAddress().bytes()));
        host.listenAddresses().forEach(a -> record.addListenAddrs(ByteString.copyFrom(a.bytes())));
        host.protocols().stream().sorted().forEach(record::addProtocols);
        PeerRecord signed = ownRecord();
        if (signed != null) {
            record.setSignedPeerRecord(ByteString.copyFrom(signed.envelope().bytes()));
        }
        byte[] message = record.build().toByteArray();
        ByteBuf out = Unpooled.buffer(Varint.size(message.length) + message.length);
        Varint.write(message.length, out);
        return out.writeBytes(message);
    }

    /**
     * Returns our signed peer record of (at most {@link PeerRecord#MAX_ADDRESSES} of) our listen addresses, signed
     * again only when they changed; null if they do not fit in an envelope. Its sequence number is the unix time in
     * nanoseconds (as go-libp2p's), and always above the previous one's, so that it grows across restarts too.
     */
    private synchronized PeerRecord ownRecord() {
        List<Multiaddr> addresses = host.listenAddresses().stream().limit(PeerRecord.MAX_ADDRESSES).toList();
        if (ownRecord == null || !ownRecord.addresses().equals(addresses)) {
            Instant now = Instant.now();
            long seq = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            if (ownRecord != null && Long.compareUnsigned(seq, ownRecord.seq()) <= 0) {
                seq = ownRecord.seq() + 1;
            }
            try {
                ownRecord = PeerRecord.create(identity, seq, addresses);
            } catch (IllegalArgumentException e) {
                log.debug("identify sends no signed peer record: {}", e.getMessage());
                return null;
            }
        }
        return ownRecord;
    }

    /**
     * Reads a record. A record without a public key (js-libp2p's pushes leave it out) stands for the key the
     * connection authenticated.
     */
    private static Mono<IdentifyInfo> read(Stream stream) {
        return stream.receive()
                .reduceWith(ByteArrayOutputStream::new, (all, buf) -> {
                    if (all.size() + buf.readableBytes() > MAX_MESSAGE_SIZE) {
                        throw ProtocolViolationException.stream(PROTOCOL_ID,
                                "record longer than " + MAX_MESSAGE_SIZE + " bytes");
                    }
                    readInto(buf, all);
                    return all;
                })
                .map(all -> decode(all.toByteArray(), stream.connection().remotePublicKey()));
    }

    private static void readInto(ByteBuf buf, ByteArrayOutputStream all) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        all.writeBytes(bytes);
    }

    /** Parses one or more length-prefixed records, later ones merged into earlier ones (as go-libp2p sends them). */
    static IdentifyInfo decode(byte[] bytes, PublicKey authenticated) {
        IdentifyProtos.Identify.Builder merged = IdentifyProtos.Identify.newBuilder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            while (in.hasRemaining()) {
                long length = Varint.read(in);
                if (length > in.remaining()) {
                    throw ProtocolViolationException.stream(PROTOCOL_ID, "record truncated");
                }
                merged.mergeFrom(bytes, in.position(), (int) length);
                in.position(in.position() + (int) length);
            }
            IdentifyProtos.Identify record = merged.build();
            if (record.getListenAddrsCount() > MAX_ENTRIES || record.getProtocolsCount() > MAX_ENTRIES) {
                throw ProtocolViolationException.stream(PROTOCOL_ID, "record lists too many entries");
            }
            List<Multiaddr> listen = new ArrayList<>();
            for (ByteString address : record.getListenAddrsList()) {
                Multiaddr parsed = parseOrNull(address);
                if (parsed != null) {
                    listen.add(parsed);
                }
            }
            Multiaddr observed = record.hasObservedAddr() ? parseOrNull(record.getObservedAddr()) : null;
            PublicKey key = record.hasPublicKey() ? PublicKey.unmarshal(record.getPublicKey().toByteArray())
                    : authenticated;
            PeerRecord signed = record.hasSignedPeerRecord()
                    ? signedPeerRecord(record.getSignedPeerRecord(), authenticated) : null;
            return new IdentifyInfo(key,
                    record.getProtocolVersion(), record.getAgentVersion(), listen, observed,
                    record.getProtocolsList(), signed);
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            throw ProtocolViolationException.stream(PROTOCOL_ID, "malformed record: " + e.getMessage());
        }
    }

    /** Opens a signed peer record, which must be the authenticated peer's own; null (and a debug line) if not. */
    private static PeerRecord signedPeerRecord(ByteString envelope, PublicKey authenticated) {
        try {
            PeerRecord record = PeerRecord.open(envelope.toByteArray());
            if (!record.peerId().matches(authenticated)) {
                log.debug("ignoring the signed peer record of {} sent by {}", record.peerId(),
                        PeerId.fromPublicKey(authenticated));
                return null;
            }
            return record;
        } catch (InvalidEnvelopeException e) {
            log.debug("ignoring a signed peer record ({}): {}", e.reason(), e.getMessage());
            return null;
        }
    }

    /** An address we cannot parse (a protocol we do not know) is skipped, not fatal: the rest stays usable. */
    private static Multiaddr parseOrNull(ByteString address) {
        try {
            return Multiaddr.of(address.toByteArray());
        } catch (IllegalArgumentException e) {
            log.debug("skipping unparseable address in identify record: {}", e.getMessage());
            return null;
        }
    }

    private void remember(Stream stream, IdentifyInfo info) {
        Connection connection = stream.connection();
        if (!connection.remotePeer().matches(info.publicKey())) {
            throw ProtocolViolationException.stream(PROTOCOL_ID, "record names another peer's key");
        }
        host.peerstore().addAddresses(connection.remotePeer(), info.listenAddresses(),
                Peerstore.CONNECTED_ADDRESS_TTL);
        host.peerstore().setProtocols(connection.remotePeer(), info.protocols());
        host.peerstore().setAgentVersion(connection.remotePeer(), info.agentVersion());
        if (info.signedPeerRecord() != null) {
            host.peerstore().putCertifiedRecord(info.signedPeerRecord());
        }
    }
}
