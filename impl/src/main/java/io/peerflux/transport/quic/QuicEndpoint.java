package io.peerflux.transport.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicTransportError;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.peerflux.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One UDP socket running QUIC for one host identity: a listener's, which accepts connections and also dials from
 * its own port (see {@link PacketRouter}), or a dial's own, bound to an ephemeral port and closed with its only
 * connection. Its QUIC connections live on the socket's event loop; the bookkeeping here is confined to it.
 */
final class QuicEndpoint {

    /** Socket buffers asked of the kernel (which may grant less): room for bursts of a fast connection. */
    private static final int SOCKET_BUFFER = 4 << 20;
    /**
     * The largest UDP payload sent or accepted: a 1500-byte Ethernet MTU less IPv6 and UDP headers. Sending starts
     * at QUIC's safe 1200 bytes and grows towards this by path MTU discovery; it also fits the socket's
     * 2048-byte receive buffers.
     */
    private static final int MAX_UDP_PAYLOAD = 1452;
    private static final String CLIENT_CODEC = "quic-client";
    private static final String ROUTER = "quic-router";

    private final QuicLoops loops;
    private final QuicTls tls;
    private final QuicConfig config;
    /** Told of each established inbound connection; {@code null} on a dial's own socket. */
    private final BiConsumer<QuicEndpoint, QuicSession> onAccepted;
    private final PacketRouter router;
    private final Set<QuicChannel> connections = new HashSet<>();
    private int accepted;
    private Channel udp;
    private InetSocketAddress socketAddress;
    private Multiaddr address;

    private QuicEndpoint(QuicLoops loops, QuicTls tls, QuicConfig config,
                         BiConsumer<QuicEndpoint, QuicSession> onAccepted) {
        this.loops = loops;
        this.tls = tls;
        this.config = config;
        this.onAccepted = onAccepted;
        this.router = onAccepted == null ? null : new PacketRouter();
    }

    /** Binds a listening socket; {@code onAccepted} runs on the event loop for each established connection. */
    static Mono<QuicEndpoint> listen(QuicLoops loops, InetSocketAddress local, QuicTls tls, QuicConfig config,
                                     BiConsumer<QuicEndpoint, QuicSession> onAccepted) {
        return new QuicEndpoint(loops, tls, config, onAccepted).bind(local);
    }

    /** Binds an ephemeral socket for one dial on the wildcard address of {@code remote}'s family. */
    static Mono<QuicEndpoint> forDial(QuicLoops loops, InetSocketAddress remote, QuicTls tls, QuicConfig config) {
        InetSocketAddress any = new InetSocketAddress(remote.getAddress() instanceof java.net.Inet6Address ? "::"
                : "0.0.0.0", 0);
        return new QuicEndpoint(loops, tls, config, null).bind(any);
    }

    /**
     * Builds the codecs (Netty seeds them from the OS entropy source, so not on an event loop), then binds
     * {@code local}. The bound address keeps {@code local}'s IP: a wildcard socket may report another family's.
     */
    private Mono<QuicEndpoint> bind(InetSocketAddress local) {
        return Mono.fromCallable(this::codecs)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(codecs -> Mono.create(sink -> {
                    ChannelFuture bound = loops.dontFragment(new Bootstrap(), local.getAddress()
                                    instanceof java.net.Inet6Address)
                            .group(loops.group())
                            .channel(loops.datagramType())
                            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                            .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                            .handler(new ChannelInitializer<>() {
                                @Override
                                protected void initChannel(Channel channel) {
                                    codecs.forEach((name, codec) -> channel.pipeline().addLast(name, codec));
                                    if (router != null) {
                                        channel.pipeline().addFirst(ROUTER, router);
                                    }
                                }
                            })
                            .bind(local);
                    sink.onCancel(() -> bound.channel().close());
                    bound.addListener(done -> {
                        if (done.isSuccess()) {
                            udp = bound.channel();
                            socketAddress = new InetSocketAddress(local.getAddress(),
                                    ((InetSocketAddress) udp.localAddress()).getPort());
                            address = Quic.toMultiaddr(socketAddress);
                            sink.success(this);
                        } else {
                            sink.error(done.cause());
                        }
                    });
                }));
    }

    /**
     * The handlers of this socket by pipeline name, in order: if listening, the Retry for foreign tokens and the
     * server codec; then the client codec.
     */
    private Map<String, ChannelHandler> codecs() {
        Map<String, ChannelHandler> codecs = new LinkedHashMap<>();
        if (onAccepted != null) {
            RetryTokens tokens = RetryTokens.create();
            codecs.put(ForeignTokenRetry.NAME, new ForeignTokenRetry(tokens));
            codecs.put(PacketRouter.SERVER_CODEC, configure(new QuicServerCodecBuilder(), config)
                    .sslContext(tls.server())
                    .tokenHandler(tokens)
                    .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, loops.datagramAllocator())
                    .connectionIdAddressGenerator(ConnectionIds.INSTANCE)
                    .resetTokenGenerator(ConnectionIds.INSTANCE)
                    .handler(new ChannelInitializer<QuicChannel>() {
                        @Override
                        protected void initChannel(QuicChannel channel) {
                            accept(channel);
                        }
                    })
                    .streamHandler(QuicSession.INBOUND_STREAMS)
                    .streamOption(ChannelOption.AUTO_READ, false)
                    .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .build());
        }
        codecs.put(CLIENT_CODEC, configure(new QuicClientCodecBuilder(), config).sslContext(tls.client()).build());
        return codecs;
    }

    private static <B extends QuicCodecBuilder<B>> B configure(B builder, QuicConfig config) {
        return builder
                .maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(config.connectionReceiveWindow())
                .initialMaxStreamDataBidirectionalLocal(config.streamReceiveWindow())
                .initialMaxStreamDataBidirectionalRemote(config.streamReceiveWindow())
                .initialMaxStreamsBidirectional(config.maxInboundStreams())
                .initialMaxStreamsUnidirectional(0)
                .initialMaxStreamDataUnidirectional(0)
                .localConnectionIdLength(PacketRouter.CONNECTION_ID_LENGTH)
                .discoverPmtu(true)
                .maxSendUdpPayloadSize(MAX_UDP_PAYLOAD)
                .maxRecvUdpPayloadSize(MAX_UDP_PAYLOAD);
    }

    /**
     * A connection is being accepted (its first packet is not processed yet): refused beyond the listener's limit.
     * The refusal waits for that packet, as QUIC sends nothing to an address it has received nothing from.
     */
    private void accept(QuicChannel channel) {
        if (accepted >= config.maxConnectionsPerListener()) {
            channel.eventLoop().execute(() -> channel.close(false,
                    (int) QuicTransportError.CONNECTION_REFUSED.code(), Unpooled.EMPTY_BUFFER));
            return;
        }
        accepted++;
        track(channel);
        channel.closeFuture().addListener(f -> accepted--);
        channel.pipeline().addLast(QuicSession.inbound(config, session -> onAccepted.accept(this, session)));
    }

    /**
     * Dials {@code remote} from this socket. The returned future completes on the event loop once the handshake
     * is done (and fails after {@code handshakeTimeout}); the remote's identity is then in {@code session}.
     */
    Future<QuicChannel> connect(InetSocketAddress remote, QuicSession session, Duration handshakeTimeout) {
        Promise<QuicChannel> promise = udp.eventLoop().newPromise();
        udp.eventLoop().execute(() -> {
            byte[] id = ConnectionIds.INSTANCE.next();
            if (router != null) {
                router.dialing(id);
            }
            promise.addListener(done -> {
                if (done.isSuccess()) {
                    QuicChannel channel = (QuicChannel) done.getNow();
                    track(channel);
                    channel.closeFuture().addListener(f -> dialEnded(id));
                } else {
                    dialEnded(id);
                }
            });
            QuicChannel.newBootstrap(udp)
                    .handler(session)
                    .streamHandler(QuicSession.INBOUND_STREAMS)
                    .streamOption(ChannelOption.AUTO_READ, false)
                    .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            handshakeTimeout.toMillis()))
                    .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, loops.datagramAllocator())
                    .remoteAddress(remote)
                    .localConnectionAddress(new QuicConnectionAddress(id))
                    .connect(promise);
        });
        return promise;
    }

    private void dialEnded(byte[] connectionId) {
        if (router != null) {
            router.closed(connectionId);
        } else {
            udp.close();
        }
    }

    private void track(QuicChannel channel) {
        connections.add(channel);
        channel.closeFuture().addListener(f -> connections.remove(channel));
    }

    QuicTls tls() {
        return tls;
    }

    /** The socket's event loop, where all its connections live. */
    EventLoop eventLoop() {
        return udp.eventLoop();
    }

    /** The bound address, as a {@code /quic-v1} multiaddr. */
    Multiaddr address() {
        return address;
    }

    /** The bound address, with the IP that was asked for. */
    InetSocketAddress socketAddress() {
        return socketAddress;
    }

    /** Closes every connection on this socket (application error 0), then the socket. */
    Mono<Void> close() {
        return Mono.create(sink -> udp.eventLoop().execute(() -> {
            for (QuicChannel channel : List.copyOf(connections)) {
                channel.close(true, 0, Unpooled.EMPTY_BUFFER);
            }
            // The close frames were handed to the socket above; close it once they are flushed.
            udp.eventLoop().execute(() -> udp.close().addListener(f -> sink.success()));
        }));
    }
}
