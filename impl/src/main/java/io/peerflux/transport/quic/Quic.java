package io.peerflux.transport.quic;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClosedChannelException;
import io.netty.util.concurrent.Future;
import io.peerflux.DialException;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.transport.RawConnection;
import io.peerflux.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * QUIC v1 transport ({@code /ip4/…/udp/…/quic-v1}, {@code /ip6/…/udp/…/quic-v1}) on Netty's QUIC codec (quiche and
 * BoringSSL). A QUIC connection comes secured by TLS 1.3 with libp2p certificates and multiplexed by QUIC's own
 * streams, so it reaches the host already upgraded: multistream-select, the security and muxer protocols are
 * skipped for it.
 *
 * <p>Dials go out from the listening UDP port when this transport listens on one for the same host, address family
 * and scope (wildcard, or loopback for loopback targets), as libp2p peers expect for hole punching; otherwise from an
 * ephemeral port that closes with the connection. Connections dialed from a listening port close with the listener.
 *
 * <p>Limits of the codec underneath: it sends no keep-alive pings, so a connection idle for
 * {@link QuicConfig#idleTimeout()} closes; a socket's connections and streams all run on the socket's one event
 * loop, so a listener uses one thread; and it keeps some state for every reset stream until the connection closes,
 * which {@link QuicConfig#maxResetStreams()} bounds.
 *
 * <p>Immutable and thread-safe; one instance may serve several hosts.
 *
 * <pre>{@code
 * Host host = Peerflux.host().transport(Quic.create())…
 *         .listen(Multiaddr.of("/ip4/0.0.0.0/udp/4001/quic-v1")).build();
 * }</pre>
 */
public final class Quic implements Transport {

    private final QuicConfig config;
    /** TLS contexts by host identity, made once off the event loops (they need a fresh key pair). */
    private final Map<PeerId, Mono<QuicTls>> identities = new ConcurrentHashMap<>();
    private final List<QuicEndpoint> listening = new CopyOnWriteArrayList<>();

    private Quic(QuicConfig config) {
        this.config = config;
    }

    /** QUIC with {@link QuicConfig#defaults()}. */
    public static Quic create() {
        return create(QuicConfig.defaults());
    }

    public static Quic create(QuicConfig config) {
        return new Quic(Objects.requireNonNull(config, "config"));
    }

    public QuicConfig config() {
        return config;
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return isQuic(address.withoutPeerId());
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isQuic(address);
    }

    private static boolean isQuic(Multiaddr address) {
        var parts = address.components();
        return parts.size() == 3
                && (parts.get(0).protocol() == Protocol.IP4 || parts.get(0).protocol() == Protocol.IP6)
                && parts.get(1).protocol() == Protocol.UDP
                && parts.get(2).protocol() == Protocol.QUIC_V1;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The connection is established once the TLS handshake verified both certificates and the remote is
     * {@code expectedRemote} (if given). Fails with {@link DialException}: its cause is a
     * {@link HandshakeException} when the handshake failed or the remote is another peer; {@code timeout} when
     * the handshake did not complete within {@code timeout} or {@link QuicConfig#handshakeTimeout()}, whichever is
     * shorter.
     */
    @Override
    public Mono<RawConnection> dial(Multiaddr address, Duration timeout, PrivateKey localKey,
                                   PeerId expectedRemote) {
        Multiaddr target = address.withoutPeerId();
        if (!isQuic(target)) {
            return Mono.error(DialException.noTransport(address));
        }
        InetSocketAddress remote = target.toInetSocketAddress().orElseThrow();
        Duration handshakeTimeout = timeout.compareTo(config.handshakeTimeout()) < 0 ? timeout
                : config.handshakeTimeout();
        return tls(localKey)
                .flatMap(tls -> {
                    QuicEndpoint listener = listenerFor(tls, remote);
                    return listener != null ? Mono.just(listener)
                            : QuicEndpoint.forDial(QuicLoops.shared(), remote, tls, config);
                })
                .flatMap(endpoint -> connect(endpoint, remote, handshakeTimeout, expectedRemote, config))
                .onErrorMap(e -> !(e instanceof DialException), e -> e instanceof ConnectTimeoutException
                        ? DialException.timeout(address, handshakeTimeout)
                        : DialException.failed(address, handshakeFailure(e)));
    }

    private static Mono<RawConnection> connect(QuicEndpoint endpoint, InetSocketAddress remote,
                                               Duration handshakeTimeout, PeerId expectedRemote,
                                               QuicConfig config) {
        return Mono.create(sink -> {
            QuicSession session = QuicSession.outbound(config);
            Future<QuicChannel> connecting = endpoint.connect(remote, session, handshakeTimeout);
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> {
                cancelled.set(true);
                // Runs after the connect task (same loop, queued later), so the channel exists by then.
                endpoint.eventLoop().execute(() -> {
                    if (session.channel() != null) {
                        session.channel().close();
                    }
                });
            });
            connecting.addListener(done -> {
                if (cancelled.get()) {
                    return;
                }
                if (!done.isSuccess()) {
                    sink.error(done.cause());
                    return;
                }
                QuicChannel channel = (QuicChannel) done.getNow();
                SecureSession secured;
                try {
                    secured = session.establish();
                    if (expectedRemote != null && !expectedRemote.equals(secured.remotePeer())) {
                        throw HandshakeException.peerMismatch(expectedRemote, secured.remotePeer());
                    }
                } catch (HandshakeException e) {
                    channel.close();
                    sink.error(e);
                    return;
                }
                sink.success(new RawConnection(channel, endpoint.address(), toMultiaddr(remote), session));
            });
        });
    }

    /** A TLS failure, or the remote closing during the handshake with a TLS alert, is a handshake failure. */
    private static Throwable handshakeFailure(Throwable e) {
        if (e instanceof SSLException) {
            return HandshakeException.invalid("TLS handshake failed", e);
        }
        if (e instanceof QuicClosedChannelException closed && closed.event() != null && closed.event().isTlsError()) {
            return HandshakeException.invalid("the remote refused our certificate: " + closed.event(), e);
        }
        return e;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Accepted connections reach {@code inbound} once their handshake verified the remote's certificate.
     * Closing the listener closes them, and connections dialed from its port, with application error code 0.
     */
    @Override
    public Mono<Listener> listen(Multiaddr address, PrivateKey localKey, Consumer<RawConnection> inbound) {
        if (!canListen(address)) {
            return Mono.error(new IllegalArgumentException("not a QUIC address: " + address));
        }
        InetSocketAddress local = address.toInetSocketAddress().orElseThrow();
        return tls(localKey)
                .flatMap(tls -> QuicEndpoint.listen(QuicLoops.shared(), local, tls, config, (endpoint, session) ->
                        inbound.accept(new RawConnection(session.channel(), endpoint.address(),
                                toMultiaddr((InetSocketAddress) session.channel().remoteSocketAddress()), session))))
                .map(endpoint -> {
                    listening.add(endpoint);
                    return new Listener() {
                        @Override
                        public Multiaddr address() {
                            return endpoint.address();
                        }

                        @Override
                        public Mono<Void> close() {
                            return Mono.defer(() -> {
                                listening.remove(endpoint);
                                return endpoint.close();
                            });
                        }
                    };
                });
    }

    /** A listening socket of the same host that can reach {@code remote}, or {@code null}. */
    private QuicEndpoint listenerFor(QuicTls tls, InetSocketAddress remote) {
        for (QuicEndpoint endpoint : listening) {
            InetSocketAddress bound = endpoint.socketAddress();
            if (endpoint.tls() == tls
                    && bound.getAddress().getClass() == remote.getAddress().getClass()
                    && (bound.getAddress().isAnyLocalAddress()
                        || bound.getAddress().isLoopbackAddress() == remote.getAddress().isLoopbackAddress())) {
                return endpoint;
            }
        }
        return null;
    }

    /** Loads the QUIC codec's native library, makes {@code localKey}'s TLS contexts and checks its certificate. */
    @Override
    public Mono<Void> warmUp(PrivateKey localKey) {
        return tls(localKey).flatMap(tls -> Mono.fromCallable(tls::checkOwnCertificate)
                .subscribeOn(Schedulers.boundedElastic())).then();
    }

    private Mono<QuicTls> tls(PrivateKey localKey) {
        if (!io.netty.handler.codec.quic.Quic.isAvailable()) {
            return Mono.error(new IllegalStateException("Netty QUIC is not available on this platform",
                    io.netty.handler.codec.quic.Quic.unavailabilityCause()));
        }
        return identities.computeIfAbsent(PeerId.fromPublicKey(localKey.publicKey()),
                peer -> Mono.fromCallable(() -> QuicTls.create(localKey))
                        .subscribeOn(Schedulers.boundedElastic())
                        .cache());
    }

    /** {@code /ip4|ip6/<address>/udp/<port>/quic-v1}. */
    static Multiaddr toMultiaddr(InetSocketAddress address) {
        return Multiaddr.tcp(address.getAddress(), address.getPort())
                .decapsulate(Protocol.TCP)
                .encapsulate(Multiaddr.of("/udp/" + address.getPort() + "/quic-v1"));
    }

    @Override
    public String toString() {
        return "Quic" + config;
    }
}
