package io.peerflux;

/** An operation needed a connection that is closed or closing. */
public final class ConnectionClosedException extends PeerfluxException {

    private ConnectionClosedException(String message, Throwable cause) {
        super(message, cause);
    }

    public static ConnectionClosedException of(Object connection, Throwable cause) {
        return new ConnectionClosedException("connection " + connection + " is closed", cause);
    }
}
