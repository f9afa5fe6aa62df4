package io.peerflux.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.peerflux.DialException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.peer.PeerId;
import io.peerflux.transport.RawConnection;
import io.peerflux.transport.Transport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * WebSocket transport ({@code /ip4/…/tcp/…/ws}, {@code /ip6/…/tcp/…/ws}) on reactor-netty TCP with Netty's HTTP
 * codec and WebSocket handshake: once the HTTP upgrade is done, the connection carries the byte stream in binary
 * frames and the host secures and multiplexes it as on TCP. Both ends' addresses end with {@code /ws}.
 *
 * <p>The listener accepts RFC 6455 upgrades on path {@code /} only; any other request gets an HTTP error and is
 * closed, and the listener goes on serving. An upgrade must be done within {@link #UPGRADE_TIMEOUT} of accepting
 * the connection (a dial, within the dial timeout). Frames carry at most {@link #MAX_FRAME_PAYLOAD} bytes each way.
 *
 * <p>Secure WebSockets ({@code /wss}, {@code /tls/ws}) are not supported yet: {@link #canDial} and
 * {@link #canListen} answer {@code false} for them, and {@link #dial} and {@link #listen} refuse them.
 */
public final class WebSocketTransport implements Transport {

    /** The largest frame payload accepted or sent: 1 MiB, far above the 64 KiB-ish frames js-libp2p sends. */
    public static final int MAX_FRAME_PAYLOAD = 1 << 20;
    /** How long an accepted connection may take to complete its upgrade request. */
    public static final Duration UPGRADE_TIMEOUT = Duration.ofSeconds(10);
    /** The only path upgraded. */
    static final String PATH = "/";
    /** The largest body an upgrade request or response may have (they need none; error pages may have a little). */
    private static final int MAX_UPGRADE_BODY = 8 * 1024;

    private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);
    private static final Multiaddr WS = Multiaddr.of("/ws");
    private static final WebSocketServerProtocolConfig SERVER_CONFIG = WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(PATH)
            .checkStartsWith(false)
            .handshakeTimeoutMillis(UPGRADE_TIMEOUT.toMillis())
            .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
            .allowExtensions(false)
            .withUTF8Validator(false)
            .build();

    private final LoopResources loops;

    private WebSocketTransport(LoopResources loops) {
        this.loops = loops;
    }

    /** A WebSocket transport on reactor-netty's shared TCP event loops. */
    public static WebSocketTransport create() {
        return new WebSocketTransport(reactor.netty.tcp.TcpResources.get());
    }

    /** A WebSocket transport on the given event loops. */
    public static WebSocketTransport create(LoopResources loops) {
        return new WebSocketTransport(loops);
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return isWebSocket(address.withoutPeerId());
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isWebSocket(address);
    }

    /** Whether {@code address} is {@code /ip4|ip6/…/tcp/…/ws}, exactly. */
    private static boolean isWebSocket(Multiaddr address) {
        var parts = address.components();
        if (parts.size() != 3) {
            return false;
        }
        Protocol network = parts.get(0).protocol();
        return (network == Protocol.IP4 || network == Protocol.IP6) && parts.get(1).protocol() == Protocol.TCP
                && parts.get(2).protocol() == Protocol.WS;
    }

    /** The TCP socket address of a WebSocket address; a clear refusal for any other. */
    private static InetSocketAddress socketAddress(Multiaddr address) {
        if (address.has(Protocol.WSS) || address.has(Protocol.TLS)) {
            throw new IllegalArgumentException("secure WebSocket (/wss, /tls/ws) is not supported yet: " + address);
        }
        if (!isWebSocket(address)) {
            throw new IllegalArgumentException("not a WebSocket address: " + address);
        }
        return address.toInetSocketAddress().orElseThrow();
    }

    @Override
    public Mono<RawConnection> dial(Multiaddr address, Duration timeout, PrivateKey localKey,
                                   PeerId expectedRemote) {
        return Mono.defer(() -> {
                    InetSocketAddress remote = socketAddress(address.withoutPeerId());
                    return TcpClient.newConnection()
                            .runOn(loops)
                            .remoteAddress(() -> remote)
                            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                                    (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                            .option(ChannelOption.TCP_NODELAY, true)
                            .connect()
                            .flatMap(connection -> Mono.<RawConnection>create(sink ->
                                    upgradeAsClient(connection, remote, timeout, sink)));
                })
                .timeout(timeout, Mono.error(TimeoutException::new))
                .onErrorMap(e -> !(e instanceof DialException), e -> e instanceof TimeoutException
                        ? DialException.timeout(address, timeout) : DialException.failed(address, e));
    }

    @Override
    public Mono<Listener> listen(Multiaddr address, PrivateKey localKey, Consumer<RawConnection> inbound) {
        return Mono.defer(() -> {
            InetSocketAddress local = socketAddress(address);
            return TcpServer.create()
                    .runOn(loops)
                    .bindAddress(() -> local)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .doOnConnection(connection -> upgradeAsServer(connection, inbound))
                    .bind()
                    .map(server -> new Listener() {
                        private final Multiaddr bound = toMultiaddr(server.address());

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
        });
    }

    /** Takes an accepted connection: once its upgrade is done, it goes to {@code inbound}. */
    private static void upgradeAsServer(Connection connection, Consumer<RawConnection> inbound) {
        Channel channel = ownPipeline(connection);
        addServerHandlers(channel.pipeline(), new WebSocketOpening.Outcome() {
            @Override
            public void opened(Channel open) {
                inbound.accept(raw(open));
            }

            @Override
            public void failed(Throwable cause) {
                log.debug("{}: no WebSocket upgrade: {}", channel, cause.toString());
            }
        });
    }

    /**
     * Adds the handlers of an accepted connection: HTTP codec, request check, Netty's handshake and control frames,
     * our frame codec, then the wait for the handshake, which reports to {@code outcome}.
     */
    static void addServerHandlers(ChannelPipeline pipeline, WebSocketOpening.Outcome outcome) {
        pipeline.addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(MAX_UPGRADE_BODY))
                .addLast(new UpgradeRequestFilter())
                .addLast(new WebSocketServerProtocolHandler(SERVER_CONFIG))
                .addLast(new WebSocketFrameCodec(false))
                .addLast(new WebSocketOpening(UPGRADE_TIMEOUT, outcome));
    }

    /**
     * Makes the pipeline of a dialed connection (HTTP codec, Netty's handshake and control frames, our frame codec,
     * the wait for the handshake) and starts the upgrade request; {@code sink} gets the upgraded connection.
     */
    private static void upgradeAsClient(Connection connection, InetSocketAddress remote, Duration timeout,
                                        MonoSink<RawConnection> sink) {
        Channel channel = ownPipeline(connection);
        sink.onCancel(channel::close);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri(remote))
                .version(WebSocketVersion.V13)
                .handshakeTimeoutMillis(timeout.toMillis())
                .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
                .allowExtensions(false)
                .withUTF8Validator(false)
                .generateOriginHeader(false)
                .build();
        onEventLoop(channel.eventLoop(), () -> {
            ChannelPipeline pipeline = channel.pipeline()
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(MAX_UPGRADE_BODY))
                    .addLast(new WebSocketClientProtocolHandler(config))
                    .addLast(new WebSocketFrameCodec(true))
                    .addLast(new WebSocketOpening(timeout, new WebSocketOpening.Outcome() {
                        @Override
                        public void opened(Channel open) {
                            sink.success(raw(open));
                        }

                        @Override
                        public void failed(Throwable cause) {
                            sink.error(cause);
                        }
                    }));
            // The handshake handler starts on channelActive, which this channel fired before it joined: tell it.
            pipeline.context(HttpObjectAggregator.class).fireChannelActive();
        });
    }

    /** Takes the channel from reactor-netty: its inbound bridge leaves, and reads flow to our handlers. */
    private static Channel ownPipeline(Connection connection) {
        Channel channel = connection.channel();
        if (channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
            channel.pipeline().remove(NettyPipeline.ReactiveBridge);
        }
        channel.config().setAutoRead(true);
        return channel;
    }

    private static URI uri(InetSocketAddress remote) {
        try {
            return new URI("ws", null, remote.getAddress().getHostAddress(), remote.getPort(), PATH, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("no WebSocket URI for " + remote, e);
        }
    }

    private static RawConnection raw(Channel channel) {
        return new RawConnection(channel, toMultiaddr(channel.localAddress()), toMultiaddr(channel.remoteAddress()));
    }

    private static Multiaddr toMultiaddr(SocketAddress address) {
        InetSocketAddress socket = (InetSocketAddress) address;
        return Multiaddr.tcp(socket.getAddress(), socket.getPort()).encapsulate(WS);
    }

    private static void onEventLoop(EventLoop loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
