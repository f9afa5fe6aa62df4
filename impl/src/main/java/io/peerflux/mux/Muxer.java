package io.peerflux.mux;

import io.netty.channel.Channel;
import java.util.function.Consumer;

/**
 * A stream multiplexer that can be negotiated on a secured connection (Yamux, mplex). Implementations are
 * immutable and shared by every connection.
 */
public interface Muxer {

    /** The protocol id negotiated with multistream-select or early muxer negotiation, e.g. {@code /yamux/1.0.0}. */
    String protocolId();

    /**
     * Starts the muxer on {@code channel}, whose pipeline already delivers and accepts plaintext {@code ByteBuf}s
     * of the secured connection. Must be called on the channel's event loop. Streams and their buffers are reserved
     * through the channel's {@link io.peerflux.resource.ConnectionResources#ATTRIBUTE}, when the host set one.
     *
     * @param initiator {@code true} on the side that dialed the connection
     * @param inbound receives each stream the remote opens, on the event loop
     */
    MuxerSession start(Channel channel, boolean initiator, Consumer<MuxedStream> inbound);
}
