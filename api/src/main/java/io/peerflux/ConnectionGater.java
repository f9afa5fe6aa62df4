package io.peerflux;

import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;

/**
 * Decides which connections a host makes and keeps, at four points of a connection's life; every method allows by
 * default. A refused connection is closed, and only that one: a refused dial fails with a {@link DialException}
 * whose cause is a {@link ConnectionGatedException}; a refused inbound connection is closed and logged at debug
 * level. When a host has several gaters, a connection must pass all of them, in the order they were added.
 *
 * <p>Threading: {@link #allowDial} runs on the thread that started the dial, the others on the connection's event
 * loop. None may block; each should be quick, as it runs for every connection.
 */
public interface ConnectionGater {

    /**
     * Before dialing {@code address}, before any socket is opened.
     *
     * @param peer the peer being dialed, or {@code null} when the address names none
     */
    default boolean allowDial(PeerId peer, Multiaddr address) {
        return true;
    }

    /** An inbound connection was accepted, before any handshake byte is read or written. */
    default boolean allowAccept(Multiaddr localAddress, Multiaddr remoteAddress) {
        return true;
    }

    /** The secure handshake proved the remote's identity, before the muxer is negotiated; both directions. */
    default boolean allowSecured(Direction direction, PeerId peer, Multiaddr remoteAddress) {
        return true;
    }

    /** The connection is secured and multiplexed, before the host adds it, runs identify or serves its streams. */
    default boolean allowUpgraded(Connection connection) {
        return true;
    }
}
