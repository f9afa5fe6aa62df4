package io.peerflux;

/**
 * Root of every error Peerflux signals. Operators fail their {@code Mono}/{@code Flux} with a subclass;
 * callers match on the type (and its fields), never on message text.
 */
public abstract class PeerfluxException extends RuntimeException {

    protected PeerfluxException(String message, Throwable cause) {
        super(message, cause);
    }
}
