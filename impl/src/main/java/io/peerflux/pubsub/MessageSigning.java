package io.peerflux.pubsub;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Signing and checking messages (pubsub spec, "Message Signing"): the signature covers {@code "libp2p-pubsub:"}
 * followed by the message's protobuf without {@code signature} and {@code key}, as go-libp2p-pubsub, rust-libp2p and
 * js-libp2p compute it. The protobuf is re-encoded from the fields (in field order), so a message carrying protobuf
 * fields this version does not know does not verify.
 */
public final class MessageSigning {

    static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

    private MessageSigning() {}

    /**
     * A message signed by {@code key}: {@code from} is its peer id, {@code key} is set only when the id does not
     * inline the public key.
     *
     * @param seqno the author's sequence number, written as 8 bytes big-endian
     */
    public static Message sign(String topic, byte[] data, long seqno, PrivateKey key) {
        PublicKey publicKey = key.publicKey();
        PeerId author = PeerId.fromPublicKey(publicKey);
        byte[] from = author.bytes();
        byte[] seq = seqnoBytes(seqno);
        Message unsigned = Message.wrap(topic, data.clone(), from, seq, null, null);
        byte[] signature = key.sign(signedBytes(unsigned));
        byte[] marshalledKey = author.publicKey().isPresent() ? null : publicKey.marshal();
        return Message.wrap(topic, unsigned.rawData(), from, seq, signature, marshalledKey);
    }

    static byte[] seqnoBytes(long seqno) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) seqno;
            seqno >>>= 8;
        }
        return out;
    }

    /** What the author signs: the prefix and the protobuf without signature and key. */
    static byte[] signedBytes(Message m) {
        Message bare = Message.wrap(m.topic(), m.rawData(), m.rawFrom(), m.rawSeqno(), null, null);
        byte[] pb = PubsubCodec.toProto(bare).toByteArray();
        byte[] out = new byte[PREFIX.length + pb.length];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        System.arraycopy(pb, 0, out, PREFIX.length, pb.length);
        return out;
    }

    /**
     * Checks {@code m} against {@code policy}.
     *
     * @return why the message must be dropped, or empty when it passes
     */
    public static Optional<Rejection> check(Message m, SignaturePolicy policy) {
        return Optional.ofNullable(switch (policy) {
            case STRICT_NO_SIGN -> m.rawFrom() != null || m.rawSeqno() != null || m.rawSignature() != null
                    || m.rawKey() != null ? Rejection.UNEXPECTED_SIGNATURE_FIELDS : null;
            case STRICT_SIGN -> checkSigned(m);
        });
    }

    private static Rejection checkSigned(Message m) {
        if (m.rawFrom() == null || m.rawSeqno() == null || m.rawSignature() == null) {
            return Rejection.MISSING_SIGNATURE_FIELDS;
        }
        if (m.rawSeqno().length != 8) {
            return Rejection.INVALID_SEQNO;
        }
        PeerId author;
        try {
            author = PeerId.fromBytes(m.rawFrom());
        } catch (IllegalArgumentException e) {
            return Rejection.INVALID_FROM;
        }
        PublicKey key;
        if (m.rawKey() != null) {
            try {
                key = PublicKey.unmarshal(m.rawKey());
            } catch (IllegalArgumentException e) {
                return Rejection.INVALID_KEY;
            }
            if (!author.matches(key)) {
                return Rejection.INVALID_KEY;
            }
        } else if (author.publicKey().isPresent()) {
            key = author.publicKey().get();
        } else {
            return Rejection.INVALID_KEY;
        }
        return key.verify(signedBytes(m), m.rawSignature()) ? null : Rejection.INVALID_SIGNATURE;
    }
}
