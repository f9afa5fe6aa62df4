package io.peerflux.pubsub;

/** Why a received message was dropped instead of delivered and forwarded. */
public enum Rejection {
    /** {@link SignaturePolicy#STRICT_SIGN}: {@code from}, {@code seqno} or {@code signature} is absent. */
    MISSING_SIGNATURE_FIELDS,
    /** {@link SignaturePolicy#STRICT_NO_SIGN}: one of {@code from}, {@code seqno}, {@code signature}, {@code key} is present. */
    UNEXPECTED_SIGNATURE_FIELDS,
    /** {@code from} is not a peer id. */
    INVALID_FROM,
    /** {@code seqno} is not the 8 bytes the spec says it is. */
    INVALID_SEQNO,
    /** {@code key} is not a public key, or not the key of {@code from}; or {@code from} hashes its key and none came. */
    INVALID_KEY,
    /** The signature does not verify. */
    INVALID_SIGNATURE,
    /** The message came back to its author: we published it ourselves. */
    SELF_ORIGIN
}
