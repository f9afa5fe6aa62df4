package io.peerflux.host;

import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.multistream.Multistream;
import io.peerflux.mux.MuxedStream;
import io.peerflux.peer.PeerId;
import io.peerflux.resource.ConnectionResources;
import io.peerflux.resource.DefaultResourceManager;
import io.peerflux.resource.IpPrefix;
import io.peerflux.transport.RawConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the host meets its resource manager: inbound connections are admitted the moment they are accepted, moved
 * to their peer's scope once authenticated, outbound ones counted once secured; each connection's resources ride on
 * its channel ({@link ConnectionResources#ATTRIBUTE}) for the muxer, and are given back when the channel closes.
 * Refusals are logged by the manager (INFO, rate-limited); here only at debug, per connection.
 */
final class HostResources {

    private static final Logger log = LoggerFactory.getLogger(HostResources.class);

    private final DefaultResourceManager manager;

    HostResources(DefaultResourceManager manager) {
        this.manager = manager;
    }

    DefaultResourceManager manager() {
        return manager;
    }

    /**
     * Admits an inbound connection before any of its bytes is read. Closes it and answers {@code false} when a
     * limit refuses it.
     */
    boolean admit(RawConnection raw) {
        Channel channel = raw.channel();
        ConnectionResources resources;
        try {
            resources = manager.openInbound(sourceAddress(raw), holdsFd(channel), channel::close);
        } catch (LimitExceededException e) {
            log.debug("refused inbound connection from {}: {}", raw.remoteAddress(), e.getMessage());
            channel.close();
            return false;
        }
        attach(channel, resources);
        return true;
    }

    /**
     * Counts a connection in its authenticated peer's scope; called before its muxer starts.
     *
     * @throws LimitExceededException when the peer is at its connection limit (the caller closes the connection)
     */
    void secured(RawConnection raw, Direction direction, PeerId remote) {
        Channel channel = raw.channel();
        if (direction == Direction.INBOUND) {
            ConnectionResources.of(channel).setPeer(remote);
        } else {
            attach(channel, manager.openOutbound(remote, holdsFd(channel)));
        }
    }

    /**
     * Moves a negotiated stream into its protocol's scope.
     *
     * @return {@code null} when done; else the refusal, the stream reset and the negotiation's leftover bytes
     *     released
     */
    static LimitExceededException negotiated(MuxedStream muxed, Multistream.Negotiated agreed) {
        try {
            muxed.resources().setProtocol(agreed.protocol());
            return null;
        } catch (LimitExceededException e) {
            agreed.leftover().release();
            muxed.reset();
            return e;
        }
    }

    private static void attach(Channel channel, ConnectionResources resources) {
        if (resources == ConnectionResources.NONE) {
            return;
        }
        channel.attr(ConnectionResources.ATTRIBUTE).set(resources);
        channel.closeFuture().addListener(f -> resources.close());
    }

    private static boolean holdsFd(Channel channel) {
        return channel instanceof SocketChannel;
    }

    private static InetAddress sourceAddress(RawConnection raw) {
        if (raw.channel().remoteAddress() instanceof InetSocketAddress socket && socket.getAddress() != null) {
            return socket.getAddress();
        }
        Multiaddr remote = raw.remoteAddress();
        return remote.valueOf(Protocol.IP4).or(() -> remote.valueOf(Protocol.IP6))
                .map(ip -> IpPrefix.parse(ip).network()).orElse(null);
    }
}
