package io.peerflux.transport.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.peerflux.DialException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.transport.RawConnection;
import io.peerflux.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * TCP transport ({@code /ip4/…/tcp/…}, {@code /ip6/…/tcp/…}) on reactor-netty: epoll when the native transport is
 * available, NIO otherwise. Peerflux owns the channel pipeline, so reactor-netty's own inbound bridge is removed
 * from every connection.
 */
public final class Tcp implements Transport {

    private final LoopResources loops;

    private Tcp(LoopResources loops) {
        this.loops = loops;
    }

    /** A TCP transport on reactor-netty's shared event loops. */
    public static Tcp create() {
        return new Tcp(reactor.netty.tcp.TcpResources.get());
    }

    /** A TCP transport on the given event loops. */
    public static Tcp create(LoopResources loops) {
        return new Tcp(loops);
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return isTcp(address.withoutPeerId());
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isTcp(address);
    }

    private static boolean isTcp(Multiaddr address) {
        var parts = address.components();
        if (parts.size() != 2) {
            return false;
        }
        String network = parts.get(0).protocol().name();
        return (network.equals("ip4") || network.equals("ip6")) && parts.get(1).protocol().name().equals("tcp");
    }

    @Override
    public Mono<RawConnection> dial(Multiaddr address, Duration timeout, PrivateKey localKey,
                                   PeerId expectedRemote) {
        Multiaddr target = address.withoutPeerId();
        InetSocketAddress remote = target.toInetSocketAddress()
                .orElseThrow(() -> new IllegalArgumentException("not a TCP address: " + address));
        return TcpClient.newConnection()
                .runOn(loops)
                .remoteAddress(() -> remote)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, TcpReads.INSTANCE)
                .connect()
                .timeout(timeout, Mono.error(() -> new TimeoutException()))
                .map(Tcp::raw)
                .onErrorMap(e -> !(e instanceof DialException), e -> e instanceof TimeoutException
                        ? DialException.timeout(address, timeout) : DialException.failed(address, e));
    }

    @Override
    public Mono<Listener> listen(Multiaddr address, PrivateKey localKey, Consumer<RawConnection> inbound) {
        InetSocketAddress local = address.toInetSocketAddress()
                .orElseThrow(() -> new IllegalArgumentException("not a TCP address: " + address));
        return TcpServer.create()
                .runOn(loops)
                .bindAddress(() -> local)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, TcpReads.INSTANCE)
                .doOnConnection(connection -> inbound.accept(raw(connection)))
                .bind()
                .map(server -> new Listener() {
                    private final Multiaddr bound = toMultiaddr((InetSocketAddress) server.address());

                    @Override
                    public Multiaddr address() {
                        return bound;
                    }

                    @Override
                    public Mono<Void> close() {
                        server.dispose();
                        return server.onDispose();
                    }
                });
    }

    private static RawConnection raw(Connection connection) {
        Channel channel = connection.channel();
        if (channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
            channel.pipeline().remove(NettyPipeline.ReactiveBridge);
        }
        channel.config().setAutoRead(true);
        return new RawConnection(channel, toMultiaddr((InetSocketAddress) channel.localAddress()),
                toMultiaddr((InetSocketAddress) channel.remoteAddress()));
    }

    static Multiaddr toMultiaddr(InetSocketAddress address) {
        return Multiaddr.tcp(address.getAddress(), address.getPort());
    }
}
