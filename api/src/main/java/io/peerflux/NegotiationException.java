package io.peerflux;

import java.util.List;

/**
 * multistream-select could not agree on a protocol: the remote supports none of the proposals, sent a malformed
 * or over-long message, or did not answer in time.
 */
public final class NegotiationException extends PeerfluxException {

    private final List<String> proposed;

    private NegotiationException(List<String> proposed, String message, Throwable cause) {
        super(message, cause);
        this.proposed = List.copyOf(proposed);
    }

    /** The protocols that were proposed (initiator) or are supported (responder). */
    public List<String> proposed() {
        return proposed;
    }

    public static NegotiationException notSupported(List<String> proposed) {
        return new NegotiationException(proposed, "remote supports none of " + proposed, null);
    }

    public static NegotiationException malformed(List<String> proposed, String reason) {
        return new NegotiationException(proposed, "malformed multistream message: " + reason, null);
    }

    public static NegotiationException timeout(List<String> proposed, java.time.Duration timeout) {
        return new NegotiationException(proposed, "negotiation of " + proposed + " timed out after "
                + timeout.toMillis() + " ms", null);
    }

    public static NegotiationException closed(List<String> proposed) {
        return new NegotiationException(proposed, "stream closed during negotiation of " + proposed, null);
    }
}
