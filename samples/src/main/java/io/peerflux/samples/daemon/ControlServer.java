package io.peerflux.samples.daemon;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.peerflux.Host;
import io.peerflux.kad.Kademlia;
import io.peerflux.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpResources;
import reactor.netty.tcp.TcpServer;

/**
 * The daemon's control socket: accepts control clients on a TCP or unix socket address and serves each with a
 * {@link ControlConnectionHandler} over one shared {@link ControlRequests}.
 *
 * <p>At most {@link #MAX_CONNECTIONS} control connections are served at once; a further client is answered with an
 * ERROR response and closed.
 */
final class ControlServer {

    /** The most control connections (including those turned into streams) served at once. */
    static final int MAX_CONNECTIONS = 1024;

    private final DisposableServer server;
    private final Multiaddr address;

    private ControlServer(DisposableServer server) {
        this.server = server;
        this.address = ControlAddress.toMultiaddr(server.address());
    }

    /** Binds the control socket for {@code host}, which runs no DHT: DHT requests are answered with an ERROR. */
    static Mono<ControlServer> start(Host host, Multiaddr listen) {
        return start(host, null, listen);
    }

    /**
     * Binds the control socket for {@code host}.
     *
     * @param dht the host's DHT, which answers DHT requests; {@code null} for none
     * @param listen a TCP ({@code /ip4/127.0.0.1/tcp/0} picks a port) or unix socket ({@code /unix/<path>}) address
     */
    static Mono<ControlServer> start(Host host, Kademlia dht, Multiaddr listen) {
        return Mono.defer(() -> {
            SocketAddress address = ControlAddress.toSocketAddress(listen);
            ControlRequests requests = new ControlRequests(host, new InboundStreams(host),
                    dht == null ? null : new DhtRequests(host, dht));
            AtomicInteger open = new AtomicInteger();
            TcpServer server = TcpServer.create()
                    .bindAddress(() -> address)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .doOnConnection(connection -> {
                        Channel channel = ControlAddress.ownPipeline(connection).channel();
                        channel.closeFuture().addListener(closed -> open.decrementAndGet());
                        if (open.incrementAndGet() > MAX_CONNECTIONS) {
                            channel.writeAndFlush(ControlFrames.encode(ControlRequests.error("too many control "
                                    + "connections (limit " + MAX_CONNECTIONS + ")"), channel.alloc()))
                                    .addListener(ChannelFutureListener.CLOSE);
                            return;
                        }
                        channel.pipeline().addLast("daemon-control", new ControlConnectionHandler(requests));
                    });
            if (address instanceof InetSocketAddress) {
                // NIO, not epoll: see ControlAddress.
                server = server.childOption(ChannelOption.TCP_NODELAY, true).runOn(TcpResources.get(), false);
            }
            return server.bind().map(ControlServer::new);
        });
    }

    /** The bound address (with the port chosen, for {@code tcp/0}). */
    Multiaddr address() {
        return address;
    }

    Mono<Void> close() {
        server.dispose();
        return server.onDispose();
    }
}
