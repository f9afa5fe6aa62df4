package io.peerflux.pubsub;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A message id (pubsub spec, "Message Identification"): opaque bytes, compared by content, the hash computed once so
 * that the seen cache, message cache and gossip can key maps by it.
 */
public final class MessageId {

    private final byte[] bytes;
    private final int hash;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** An id of a copy of {@code bytes}. */
    public static MessageId of(byte[] bytes) {
        return new MessageId(bytes.clone());
    }

    /** An id that keeps {@code bytes}, which nobody may change afterwards. */
    static MessageId wrap(byte[] bytes) {
        return new MessageId(bytes);
    }

    /** A copy of the id's bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageId m && m.hash == hash && Arrays.equals(m.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
