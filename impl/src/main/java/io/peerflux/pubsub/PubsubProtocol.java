package io.peerflux.pubsub;

/** The pubsub protocols a peer may speak, newest gossipsub first; what each adds to the one before. */
public enum PubsubProtocol {
    /** gossipsub v1.2: IDONTWANT. */
    GOSSIPSUB_V12("/meshsub/1.2.0"),
    /** gossipsub v1.1: peer exchange and backoff in PRUNE, flood publishing, scoring. */
    GOSSIPSUB_V11("/meshsub/1.1.0"),
    /** gossipsub v1.0: mesh, fanout and gossip. */
    GOSSIPSUB_V10("/meshsub/1.0.0"),
    /** floodsub: every message to every peer in the topic, no control messages. */
    FLOODSUB("/floodsub/1.0.0");

    private final String id;

    PubsubProtocol(String id) {
        this.id = id;
    }

    /** The protocol id negotiated with multistream-select. */
    public String id() {
        return id;
    }

    boolean isGossipsub() {
        return this != FLOODSUB;
    }

    /** Whether PRUNE carries peer exchange and backoff to this peer (v1.1 and later). */
    boolean supportsPeerExchange() {
        return this == GOSSIPSUB_V11 || this == GOSSIPSUB_V12;
    }

    boolean supportsIDontWant() {
        return this == GOSSIPSUB_V12;
    }
}
