package io.peerflux.record;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.record.InvalidEnvelopeException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * A peer record, RFC 0003: the addresses a peer says it listens on, signed by the peer in an {@link Envelope} with
 * domain {@value #DOMAIN} and payload type {@code 0x03 0x01} (multicodec {@code libp2p-peer-record}, 0x0301, as an
 * unsigned varint).
 *
 * <pre>
 *   message PeerRecord {
 *     message AddressInfo { bytes multiaddr = 1; }
 *     bytes peer_id = 1;
 *     uint64 seq = 2;
 *     repeated AddressInfo addresses = 3;
 *   }
 * </pre>
 *
 * <p>An instance is always certified: made by {@link #create}, which signs it, or by {@link #open}, which checks the
 * signature and that the record's peer id is the signer's. {@link #envelope()} is the signed form, to forward as
 * received. Immutable.
 */
public final class PeerRecord {

    /** The signing domain of peer records. */
    public static final String DOMAIN = "libp2p-peer-record";

    /**
     * The most addresses a record may list, as many as the peerstore keeps for a peer. A peer's listen addresses are
     * a handful; go and js set no limit, but an 8 KiB envelope holds at most a few hundred.
     */
    public static final int MAX_ADDRESSES = 64;

    private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};
    private static final int PEER_ID = 1;
    private static final int SEQ = 2;
    private static final int ADDRESSES = 3;
    private static final int MULTIADDR = 1;

    private final PeerId peerId;
    private final long seq;
    private final List<Multiaddr> addresses;
    private final Envelope envelope;

    private PeerRecord(PeerId peerId, long seq, List<Multiaddr> addresses, Envelope envelope) {
        this.peerId = peerId;
        this.seq = seq;
        this.addresses = addresses;
        this.envelope = envelope;
    }

    /**
     * Makes and signs the record of {@code key}'s peer.
     *
     * @param key the peer's identity
     * @param seq the record's version, compared as an unsigned 64-bit number: it must be higher than that of every
     *     record the peer made before, which unix time gives across restarts
     * @param addresses the peer's addresses
     * @return the record
     * @throws IllegalArgumentException if there are more than {@link #MAX_ADDRESSES} addresses or the envelope would
     *     exceed {@link Envelope#MAX_SIZE}
     */
    public static PeerRecord create(PrivateKey key, long seq, Collection<Multiaddr> addresses) {
        List<Multiaddr> list = List.copyOf(addresses);
        if (list.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException(list.size() + " addresses, over the limit of " + MAX_ADDRESSES);
        }
        PeerId peerId = PeerId.fromPublicKey(key.publicKey());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Protobuf.writeBytes(out, PEER_ID, peerId.bytes());
        if (seq != 0) { // proto3 leaves out a field at its default, as go and js do
            Protobuf.writeUint64(out, SEQ, seq);
        }
        for (Multiaddr address : list) {
            ByteArrayOutputStream info = new ByteArrayOutputStream();
            Protobuf.writeBytes(info, MULTIADDR, address.bytes());
            Protobuf.writeBytes(out, ADDRESSES, info.toByteArray());
        }
        return new PeerRecord(peerId, seq, list, Envelope.seal(key, DOMAIN, PAYLOAD_TYPE, out.toByteArray()));
    }

    /**
     * Opens a signed peer record, in the order RFC 0003 requires: the signature first, then the payload type and the
     * record, then that the record's peer id is the signer's. An address we cannot decode (a multiaddr protocol we do
     * not know) is left out, as go-libp2p does; the others are still certified.
     *
     * @param envelope the marshalled envelope
     * @return the record
     * @throws InvalidEnvelopeException if {@link Envelope#open} rejects the envelope; with
     *     {@link Reason#WRONG_PAYLOAD_TYPE} if it holds no peer record, {@link Reason#MALFORMED} if the record does
     *     not decode or has no valid peer id, {@link Reason#TOO_LARGE} if it lists more than {@link #MAX_ADDRESSES}
     *     addresses, {@link Reason#PEER_ID_MISMATCH} if its peer id is not the signer's
     */
    public static PeerRecord open(byte[] envelope) throws InvalidEnvelopeException {
        Envelope opened = Envelope.open(envelope, DOMAIN);
        if (!Arrays.equals(opened.payloadType(), PAYLOAD_TYPE)) {
            throw new InvalidEnvelopeException(Reason.WRONG_PAYLOAD_TYPE,
                    "payload type " + HexFormat.of().formatHex(opened.payloadType()) + " is not a peer record's (0301)");
        }
        byte[] peerIdBytes = null;
        long seq = 0;
        List<Multiaddr> addresses = new ArrayList<>();
        int listed = 0;
        PeerId peerId;
        try {
            Protobuf.Reader in = new Protobuf.Reader(opened.payload());
            while (in.hasNext()) {
                switch (in.next()) {
                    case PEER_ID -> peerIdBytes = in.bytes();
                    case SEQ -> seq = in.uint64();
                    case ADDRESSES -> {
                        if (++listed > MAX_ADDRESSES) {
                            throw new InvalidEnvelopeException(Reason.TOO_LARGE,
                                    "peer record lists more than " + MAX_ADDRESSES + " addresses");
                        }
                        Multiaddr address = address(in.bytes());
                        if (address != null) {
                            addresses.add(address);
                        }
                    }
                    default -> in.skip();
                }
            }
            if (peerIdBytes == null) {
                throw new IllegalArgumentException("no peer_id");
            }
            peerId = PeerId.fromBytes(peerIdBytes);
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(Reason.MALFORMED, "malformed peer record: " + e.getMessage(), e);
        }
        if (!peerId.matches(opened.publicKey())) {
            throw new InvalidEnvelopeException(Reason.PEER_ID_MISMATCH,
                    "peer record of " + peerId + " signed by " + PeerId.fromPublicKey(opened.publicKey()));
        }
        return new PeerRecord(peerId, seq, List.copyOf(addresses), opened);
    }

    /** Decodes an {@code AddressInfo}; null for a multiaddr we cannot decode. */
    private static Multiaddr address(byte[] addressInfo) {
        byte[] bytes = null;
        Protobuf.Reader in = new Protobuf.Reader(addressInfo);
        while (in.hasNext()) {
            if (in.next() == MULTIADDR) {
                bytes = in.bytes();
            } else {
                in.skip();
            }
        }
        if (bytes == null) {
            throw new IllegalArgumentException("AddressInfo without multiaddr");
        }
        try {
            return Multiaddr.of(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Returns the peer the record is about, which is the peer that signed it.
     *
     * @return the peer id
     */
    public PeerId peerId() {
        return peerId;
    }

    /**
     * Returns the record's version; compare versions with {@link #isNewerThan}, as unsigned numbers.
     *
     * @return the sequence number, unsigned
     */
    public long seq() {
        return seq;
    }

    /**
     * Returns the addresses the peer certifies.
     *
     * @return an unmodifiable list
     */
    public List<Multiaddr> addresses() {
        return addresses;
    }

    /**
     * Returns the signed form of this record.
     *
     * @return the envelope
     */
    public Envelope envelope() {
        return envelope;
    }

    /**
     * Tells whether this record replaces {@code other}, an earlier record of the same peer: whether its sequence
     * number is higher.
     *
     * @param other another record
     * @return whether this one is newer
     */
    public boolean isNewerThan(PeerRecord other) {
        return Long.compareUnsigned(seq, other.seq) > 0;
    }

    /** Records are equal when their envelopes are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PeerRecord other && envelope.equals(other.envelope);
    }

    @Override
    public int hashCode() {
        return envelope.hashCode();
    }

    @Override
    public String toString() {
        return "PeerRecord[" + peerId + ", seq " + Long.toUnsignedString(seq) + ", " + addresses + "]";
    }
}
