package io.peerflux.pubsub;

/**
 * How messages are signed and checked (pubsub spec, "Signature Policy Options"). Only the two strict policies: the
 * spec discourages the lax ones, and they leave a message's validity up to whoever forwarded it.
 */
public enum SignaturePolicy {
    /**
     * Publish with {@code from}, {@code seqno} and a signature (and {@code key} when the author's id does not inline
     * it); accept only messages that carry them and whose signature verifies.
     */
    STRICT_SIGN,
    /**
     * Publish without {@code from}, {@code seqno}, {@code signature} and {@code key}; accept only messages in which
     * all four are absent. Pair with a message-id function over the data.
     */
    STRICT_NO_SIGN
}
