package io.peerflux.pubsub;

/**
 * Computes a message's id (pubsub spec, "Message Identification"). Every peer in a topic must use the same function.
 * It must not throw: a message it cannot identify still needs an id, if only to be dropped as a duplicate.
 */
@FunctionalInterface
public interface MessageIdFunction {

    /**
     * The default, origin stamping: {@code from} followed by {@code seqno}, byte for byte (as go-libp2p-pubsub and
     * js-libp2p compute it). Absent fields count as empty, so under {@link SignaturePolicy#STRICT_NO_SIGN} every
     * message would have the same id: use a function over the data there.
     */
    MessageIdFunction FROM_AND_SEQNO = m -> {
        byte[] from = m.rawFrom() == null ? new byte[0] : m.rawFrom();
        byte[] seqno = m.rawSeqno() == null ? new byte[0] : m.rawSeqno();
        byte[] id = new byte[from.length + seqno.length];
        System.arraycopy(from, 0, id, 0, from.length);
        System.arraycopy(seqno, 0, id, from.length, seqno.length);
        return MessageId.wrap(id);
    };

    MessageId apply(Message message);
}
