package io.peerflux;

/** A connection opened or closed. */
public record ConnectionEvent(Type type, Connection connection) {

    public enum Type { OPENED, CLOSED }
}
