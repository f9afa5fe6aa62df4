package io.peerflux.mux;

import reactor.core.publisher.Mono;

/** A running stream multiplexer on one secured connection. */
public interface MuxerSession {

    /** Opens an outbound stream; fails with a typed error when the connection is closed or at its stream limit. */
    Mono<MuxedStream> openStream();

    /** Tells the remote we are going away (where the protocol can), then closes the connection. */
    Mono<Void> close();

    /** Completes when the underlying connection has closed. */
    Mono<Void> onClose();

    /** The number of open streams. */
    int streamCount();
}
