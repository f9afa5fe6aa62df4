package io.peerflux.samples.daemon;

import io.netty.channel.ChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpResources;
import reactor.core.publisher.Mono;

/**
 * The addresses a control client and the daemon meet on: TCP ({@code /ip4|ip6/…/tcp/…}) or a unix domain socket
 * ({@code /unix/<path>}, Netty's native epoll domain sockets).
 *
 * <p>TCP sockets use Netty's NIO transport, not epoll: in Netty 4.2.18 an epoll socket whose interest set became
 * empty is removed from epoll and a later interest fails ({@code epoll_ctl(..) failed with error(-2)}; netty/netty
 * #16689). A piped socket reaches that state whenever the client half-closes and the daemon then waits for it to be
 * writable, which is what a slow reader does ({@code StreamPipeBackpressureTest}).
 */
final class ControlAddress {

    private ControlAddress() {
    }

    /**
     * The socket address of {@code address}.
     *
     * @throws IllegalArgumentException if it is neither a TCP nor a unix socket address
     */
    static SocketAddress toSocketAddress(Multiaddr address) {
        var parts = address.components();
        if (parts.size() == 1 && parts.get(0).protocol() == Protocol.UNIX) {
            return new DomainSocketAddress(parts.get(0).valueAsString());
        }
        if (parts.size() == 2 && parts.get(1).protocol() == Protocol.TCP) {
            return address.toInetSocketAddress()
                    .orElseThrow(() -> new IllegalArgumentException("not a TCP or unix socket address: " + address));
        }
        throw new IllegalArgumentException("not a TCP or unix socket address: " + address);
    }

    static Multiaddr toMultiaddr(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return Multiaddr.tcp(inet.getAddress(), inet.getPort());
        }
        if (address instanceof DomainSocketAddress unix) {
            return Multiaddr.of("/unix" + unix.path());
        }
        throw new IllegalArgumentException("unsupported socket address " + address);
    }

    /**
     * Connects to {@code address}. The connection's channel has reactor-netty's inbound bridge removed, auto-read
     * off and half-closure allowed: its owner installs its own handlers.
     */
    static Mono<Connection> dial(SocketAddress address) {
        TcpClient client = TcpClient.newConnection()
                .remoteAddress(() -> address)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        if (address instanceof InetSocketAddress) {
            client = client.option(ChannelOption.TCP_NODELAY, true).runOn(TcpResources.get(), false);
        }
        return client.connect().map(ControlAddress::ownPipeline);
    }

    /** Removes reactor-netty's inbound bridge, so that the daemon's handlers see every read, and turns auto-read off. */
    static Connection ownPipeline(Connection connection) {
        var pipeline = connection.channel().pipeline();
        if (pipeline.get(NettyPipeline.ReactiveBridge) != null) {
            pipeline.remove(NettyPipeline.ReactiveBridge);
        }
        connection.channel().config().setAutoRead(false);
        return connection;
    }
}
