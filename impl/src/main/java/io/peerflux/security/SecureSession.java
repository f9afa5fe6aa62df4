package io.peerflux.security;

import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;

/**
 * The outcome of a secure-channel handshake.
 *
 * @param remotePeer the authenticated remote identity
 * @param remoteKey the remote's public key
 * @param earlyMuxer the muxer agreed during the handshake, or {@code null} when multistream-select must choose
 */
public record SecureSession(PeerId remotePeer, PublicKey remoteKey, String earlyMuxer) {
}
