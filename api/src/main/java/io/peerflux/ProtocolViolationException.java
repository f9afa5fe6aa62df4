package io.peerflux;

/**
 * The remote broke a wire protocol. {@link #scope()} says what had to close: only the stream, or the whole
 * connection (which also resets its streams). The host and other connections are unaffected.
 */
public final class ProtocolViolationException extends PeerfluxException {

    /** What a violation closes. */
    public enum Scope { STREAM, CONNECTION }

    private final Scope scope;

    private ProtocolViolationException(Scope scope, String message) {
        super(message, null);
        this.scope = scope;
    }

    public static ProtocolViolationException stream(String protocol, String reason) {
        return new ProtocolViolationException(Scope.STREAM, protocol + " stream violation: " + reason);
    }

    public static ProtocolViolationException connection(String protocol, String reason) {
        return new ProtocolViolationException(Scope.CONNECTION, protocol + " connection violation: " + reason);
    }

    public Scope scope() {
        return scope;
    }
}
