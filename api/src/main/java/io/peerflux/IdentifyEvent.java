package io.peerflux;

/** A peer's identify record arrived: on a new connection, or pushed later when the peer's protocols changed. */
public record IdentifyEvent(Connection connection, IdentifyInfo info) {}
