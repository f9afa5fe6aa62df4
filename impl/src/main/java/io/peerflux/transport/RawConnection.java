package io.peerflux.transport;

import io.netty.channel.Channel;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import io.peerflux.security.SecureSession;
import java.util.function.Consumer;

/**
 * A transport connection as the host receives it: usually a channel whose pipeline reads and writes plain
 * {@code ByteBuf}s, still to be secured and multiplexed; or, from a transport that does both itself (QUIC), one
 * that is already {@link Upgraded}.
 *
 * @param upgraded what the transport already settled, or {@code null} when the host must upgrade the channel
 */
public record RawConnection(Channel channel, Multiaddr localAddress, Multiaddr remoteAddress, Upgraded upgraded) {

    /** A connection the host still has to secure and multiplex. */
    public RawConnection(Channel channel, Multiaddr localAddress, Multiaddr remoteAddress) {
        this(channel, localAddress, remoteAddress, null);
    }

    /** A connection secured and multiplexed by its transport (QUIC: TLS 1.3 and native streams). */
    public interface Upgraded {

        SecureSession session();

        /** The security protocol to report, e.g. {@code /tls/1.0.0}. */
        String security();

        /** The muxer to report, e.g. {@code quic-v1}. */
        String muxer();

        /** Starts delivering the remote's streams to {@code inbound}; called once, on the channel's event loop. */
        MuxerSession start(Consumer<MuxedStream> inbound);
    }
}
