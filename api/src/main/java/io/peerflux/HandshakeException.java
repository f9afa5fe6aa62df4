package io.peerflux;

/**
 * A secure-channel handshake (Noise, TLS) failed: bad signature, malformed payload, a remote identity other
 * than the one dialed, a timeout, or the connection closed mid-handshake. The connection is closed.
 */
public final class HandshakeException extends PeerfluxException {

    private HandshakeException(String message, Throwable cause) {
        super(message, cause);
    }

    public static HandshakeException invalid(String reason) {
        return new HandshakeException("handshake failed: " + reason, null);
    }

    public static HandshakeException invalid(String reason, Throwable cause) {
        return new HandshakeException("handshake failed: " + reason, cause);
    }

    public static HandshakeException peerMismatch(Object expected, Object actual) {
        return new HandshakeException("handshake failed: expected peer " + expected + " but remote is " + actual, null);
    }

    public static HandshakeException timeout(java.time.Duration timeout) {
        return new HandshakeException("handshake timed out after " + timeout.toMillis() + " ms", null);
    }
}
