package io.peerflux;

import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import reactor.core.publisher.Mono;

/** A secured, multiplexed connection to one remote peer. */
public interface Connection {

    /** A short identifier for logs, unique within the host. */
    String id();

    PeerId localPeer();

    PeerId remotePeer();

    PublicKey remotePublicKey();

    Multiaddr localAddress();

    Multiaddr remoteAddress();

    Direction direction();

    /** The negotiated secure channel protocol id, e.g. {@code /noise}. */
    String security();

    /** The negotiated stream multiplexer protocol id, e.g. {@code /yamux/1.0.0}. */
    String muxer();

    /**
     * Opens a stream and negotiates the first of {@code protocols} the remote supports.
     * Fails with {@link NegotiationException} when it supports none, {@link ConnectionClosedException} when closed.
     */
    Mono<Stream> newStream(String... protocols);

    /**
     * The remote's identify record: exchanged over {@code /ipfs/id/1.0.0} when the connection opened, and replaced
     * when the remote pushes a new one. Fails when the remote does not answer identify.
     */
    Mono<IdentifyInfo> identify();

    boolean isOpen();

    /** Closes the connection gracefully; open streams are reset. */
    Mono<Void> close();

    /** Completes when the connection has closed, for whatever reason. */
    Mono<Void> onClose();
}
