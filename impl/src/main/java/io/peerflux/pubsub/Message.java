package io.peerflux.pubsub;

import java.util.Arrays;
import java.util.Objects;

/**
 * One pubsub message (pubsub spec, "The Message"). Immutable: the constructor copies its arrays and every accessor
 * returns a copy, so a message can be handed to the application and kept in the message cache at once. An absent
 * optional field is {@code null}, which the wire tells apart from empty: under {@link SignaturePolicy#STRICT_NO_SIGN}
 * the fields must be absent, not just empty.
 */
public final class Message {

    private final String topic;
    private final byte[] data;
    private final byte[] from;
    private final byte[] seqno;
    private final byte[] signature;
    private final byte[] key;

    /**
     * @param topic the topic it is published to
     * @param data the payload ({@code null} for none)
     * @param from the author's peer id bytes, or {@code null}
     * @param seqno the author's sequence number (8 bytes big-endian when signed), or {@code null}
     * @param signature or {@code null}
     * @param key the author's marshalled public key when the id does not inline it, or {@code null}
     */
    public Message(String topic, byte[] data, byte[] from, byte[] seqno, byte[] signature, byte[] key) {
        this(true, topic, data, from, seqno, signature, key);
    }

    private Message(boolean copy, String topic, byte[] data, byte[] from, byte[] seqno, byte[] signature,
                    byte[] key) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.data = copy ? copy(data) : data;
        this.from = copy ? copy(from) : from;
        this.seqno = copy ? copy(seqno) : seqno;
        this.signature = copy ? copy(signature) : signature;
        this.key = copy ? copy(key) : key;
    }

    /** A message that keeps the arrays it is given: for the decoder, whose arrays nobody else holds. */
    static Message wrap(String topic, byte[] data, byte[] from, byte[] seqno, byte[] signature, byte[] key) {
        return new Message(false, topic, data, from, seqno, signature, key);
    }

    private static byte[] copy(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }

    public String topic() {
        return topic;
    }

    /** The payload, a copy; empty when the message has none. */
    public byte[] data() {
        return data == null ? new byte[0] : data.clone();
    }

    public int dataLength() {
        return data == null ? 0 : data.length;
    }

    public byte[] from() {
        return copy(from);
    }

    public byte[] seqno() {
        return copy(seqno);
    }

    public byte[] signature() {
        return copy(signature);
    }

    public byte[] key() {
        return copy(key);
    }

    /** The fields without copies, for the codec, signing and id functions in this package; never modified. */
    byte[] rawData() {
        return data;
    }

    byte[] rawFrom() {
        return from;
    }

    byte[] rawSeqno() {
        return seqno;
    }

    byte[] rawSignature() {
        return signature;
    }

    byte[] rawKey() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && topic.equals(m.topic) && Arrays.equals(data, m.data)
                && Arrays.equals(from, m.from) && Arrays.equals(seqno, m.seqno)
                && Arrays.equals(signature, m.signature) && Arrays.equals(key, m.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(data), Arrays.hashCode(from), Arrays.hashCode(seqno));
    }

    @Override
    public String toString() {
        return "Message[topic=" + topic + ", " + dataLength() + " bytes]";
    }
}
