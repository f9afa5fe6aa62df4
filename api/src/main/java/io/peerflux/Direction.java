package io.peerflux;

/** Who opened a connection or stream. */
public enum Direction { INBOUND, OUTBOUND }
