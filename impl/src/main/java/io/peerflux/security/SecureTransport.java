package io.peerflux.security;

import io.netty.channel.Channel;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.util.List;
import reactor.core.publisher.Mono;

/** A secure channel that can be negotiated on a raw connection (Noise, TLS). Immutable and shared. */
public interface SecureTransport {

    /** The protocol id negotiated with multistream-select, e.g. {@code /noise}. */
    String protocolId();

    /**
     * Runs the handshake on {@code channel} (whose pipeline delivers raw {@code ByteBuf}s; any bytes already read
     * past multistream-select are fired into the pipeline after this call) and, on success, leaves handlers in the
     * pipeline that decrypt inbound and encrypt outbound {@code ByteBuf}s. Fails with
     * {@link io.peerflux.HandshakeException} and closes the channel otherwise.
     *
     * @param initiator {@code true} on the side that dialed
     * @param expectedRemote the peer that was dialed, or {@code null} to accept any (inbound)
     * @param muxers muxer protocol ids to offer for early negotiation, in preference order (may be empty)
     */
    Mono<SecureSession> secure(Channel channel, boolean initiator, PrivateKey localKey, PeerId expectedRemote,
                               List<String> muxers);
}
