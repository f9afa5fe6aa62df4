package io.peerflux.transport;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/** Dials and listens on one kind of address (TCP, QUIC, WebSocket, memory). Immutable and shared by a host. */
public interface Transport {

    /** Whether {@link #dial} understands {@code address} (its {@code /p2p} suffix, if any, is ignored). */
    boolean canDial(Multiaddr address);

    /** Whether {@link #listen} understands {@code address}. */
    boolean canListen(Multiaddr address);

    /**
     * Opens a connection to {@code address}. Lazy: nothing happens until subscribed; cancelling aborts the attempt.
     * Fails with {@link io.peerflux.DialException} naming the address and cause, or its timeout.
     *
     * @param localKey the host's identity, for transports that authenticate themselves (QUIC)
     * @param expectedRemote the peer being dialed, or {@code null}; such transports must check it
     */
    Mono<RawConnection> dial(Multiaddr address, Duration timeout, PrivateKey localKey, PeerId expectedRemote);

    /**
     * Listens on {@code address}, handing every accepted connection to {@code inbound} on its event loop.
     *
     * @param localKey the host's identity, for transports that authenticate themselves (QUIC)
     */
    Mono<Listener> listen(Multiaddr address, PrivateKey localKey, Consumer<RawConnection> inbound);

    /**
     * Does, off the event loops, what this transport would otherwise do on first use for {@code localKey} and may
     * fail without a spare file descriptor: load native libraries, make TLS contexts, run certificate checks. A host
     * calls it when it starts. Nothing by default.
     */
    default Mono<Void> warmUp(PrivateKey localKey) {
        return Mono.empty();
    }

    /** A bound listener. */
    interface Listener {

        /** The bound address, with the real port when port 0 was asked for. */
        Multiaddr address();

        Mono<Void> close();
    }
}
