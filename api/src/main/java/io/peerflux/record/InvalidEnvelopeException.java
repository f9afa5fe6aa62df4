package io.peerflux.record;

/**
 * A signed envelope, or the record inside it, is not acceptable. Checked, because envelopes come from other peers and
 * the caller must decide what a bad one costs (usually: ignore it, keep the rest of the message).
 */
public final class InvalidEnvelopeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Which check failed; match on this, never on the message. */
    public enum Reason {
        /** Longer than {@link Envelope#MAX_SIZE}, or a record with more than {@link PeerRecord#MAX_ADDRESSES}. */
        TOO_LARGE,
        /** Not the protobuf message it should be, a field missing, or a key or peer id that does not decode. */
        MALFORMED,
        /**
         * The signature does not verify. The domain is not sent in the envelope but signed along with it, so an
         * envelope made for another domain (another purpose) fails here too.
         */
        BAD_SIGNATURE,
        /** The payload type is not the one the caller expects, e.g. not a peer record. */
        WRONG_PAYLOAD_TYPE,
        /** The record names another peer than the one whose key signed it. */
        PEER_ID_MISMATCH
    }

    private final Reason reason;

    InvalidEnvelopeException(Reason reason, String message) {
        this(reason, message, null);
    }

    InvalidEnvelopeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /**
     * Returns which check failed.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
