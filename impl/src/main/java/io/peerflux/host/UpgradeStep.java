package io.peerflux.host;

import io.peerflux.Connection;
import io.peerflux.Direction;
import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import reactor.core.publisher.Mono;

/**
 * A user operator in the chain that turns a dial into a connection: a gater, a resource account, a logger, a metrics
 * tap. Each method is a function over one stage's {@code Mono}, applied with {@link Mono#transform}, and returns it
 * unchanged by default. A step lets the connection go on by emitting the stage it was given, and refuses it by
 * failing (or by completing empty, which the host reports as an {@link IllegalStateException}); a refused connection
 * is closed, and a refused dial fails with a {@link io.peerflux.DialException} whose cause is that error. A step may
 * emit later, on any thread: the host pauses reading meanwhile and keeps the bytes already read (at most
 * {@value StageHold#MAX_HELD_BYTES} bytes), but a stage's steps together must finish within the host's handshake
 * timeout, or the connection is closed.
 *
 * <p>Order, for every connection: {@link #dial} (outbound only) → {@link #raw} → the secure handshake →
 * {@link #secured} → the muxer → {@link #upgraded} → the host adds the connection ({@code OPENED} event,
 * identify, inbound streams served). Within a stage, steps run in the order they were added to the {@link HostBuilder}
 * ({@link HostBuilder#upgradeStep}, {@link HostBuilder#connectionGater}); the first refusal ends the chain.
 * Transports that secure and multiplex themselves (QUIC) reach {@link #raw} and {@link #secured} one after the other.
 *
 * <p>Threading: {@link #dial} runs on the thread that subscribed to the dial (the caller of
 * {@link io.peerflux.Host#connect}, or a timer thread of a ranked dial); {@link #raw}, {@link #secured} and
 * {@link #upgraded} are signalled on the connection's event loop, where nothing may block. Inbound streams the remote
 * opens before {@link #upgraded} lets the connection go on wait (within the muxer's stream limit) until it does.
 */
public interface UpgradeStep {

    /**
     * An outbound dial about to start; nothing was sent yet.
     *
     * @param peer the peer being dialed, or {@code null} when the address names none
     */
    record Dial(PeerId peer, Multiaddr address) {
    }

    /**
     * A transport connection before any handshake byte.
     *
     * @param id the connection's id, the one {@link Connection#id()} will have
     * @param expectedPeer the peer dialed (outbound), or {@code null}
     * @param onClose completes when the transport connection closes, whatever the outcome of the upgrade: where a
     *                step releases what it reserved
     */
    record Raw(String id, Direction direction, Multiaddr localAddress, Multiaddr remoteAddress, PeerId expectedPeer,
               Mono<Void> onClose) {
    }

    /**
     * A connection whose secure handshake authenticated the remote; the muxer is not negotiated yet.
     *
     * @param security the secure channel's protocol id, e.g. {@code /noise}
     */
    record Secured(Raw raw, PeerId remotePeer, PublicKey remotePublicKey, String security) {
    }

    default Mono<Dial> dial(Mono<Dial> dial) {
        return dial;
    }

    default Mono<Raw> raw(Mono<Raw> raw) {
        return raw;
    }

    default Mono<Secured> secured(Mono<Secured> secured) {
        return secured;
    }

    /** The connection is secured and multiplexed but not yet added to the host. */
    default Mono<Connection> upgraded(Mono<Connection> connection) {
        return connection;
    }
}
