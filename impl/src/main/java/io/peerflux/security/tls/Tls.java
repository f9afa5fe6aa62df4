package io.peerflux.security.tls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.security.SecureTransport;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

/**
 * libp2p TLS ({@value #PROTOCOL_ID}): secures a raw connection with TLS 1.3 (the JDK's implementation, driven by
 * Netty's {@link SslHandler}), both sides presenting a {@link Libp2pCertificate}, and negotiates the stream muxer
 * with ALPN. Immutable and shared by every connection.
 *
 * <p>The certificate and TLS context of a host key are made on its first handshake and reused by all later ones;
 * every host key this instance has seen keeps its entry for the instance's lifetime.
 *
 * <p>Side effect, once per JVM: as js-libp2p's certificates have an empty issuer name, which the JDK's X.509 parser
 * refuses, {@link Libp2pCertificate} puts a security provider first whose X.509 certificate factory reads those too
 * (and leaves every other certificate to the JDK).
 */
public final class Tls implements SecureTransport {

    /** The protocol id negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/tls/1.0.0";
    /** The ALPN protocol that every libp2p TLS endpoint offers last; agreeing on it defers the muxer choice. */
    public static final String ALPN_LIBP2P = "libp2p";

    static final String SSL_NAME = "tls";
    static final String HANDSHAKE_NAME = "tls-handshake";
    private static final int TLS_RECORD_HEADER_LENGTH = 5;

    private final TlsConfig config;
    /**
     * A DRBG seeded here, off the event loop, for certificates and the TLS randomness (randoms, key shares), so that
     * these never read OS entropy on an event loop.
     */
    private final SecureRandom random;
    private final Map<PublicKey, TlsIdentity> identities = new ConcurrentHashMap<>();

    static {
        // Netty's TLS utilities, on first use, ask the JDK for its default TLS parameters, which reads the network
        // properties file: make that first use happen here, off the event loop. (The argument is any 5 bytes.)
        SslHandler.isEncrypted(Unpooled.wrappedBuffer(new byte[TLS_RECORD_HEADER_LENGTH]));
    }

    private Tls(TlsConfig config) {
        this.config = config;
        this.random = Libp2pCertificate.Randomness.newDrbg();
    }

    /** TLS with {@link TlsConfig#defaults()}. */
    public static Tls create() {
        return create(TlsConfig.defaults());
    }

    public static Tls create(TlsConfig config) {
        return new Tls(Objects.requireNonNull(config, "config"));
    }

    public TlsConfig config() {
        return config;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The handshake starts at once, not on subscription: its handlers are appended to the pipeline during this
     * call (when made on the channel's event loop) so that bytes fired right after it are not lost. The first
     * handshake of a host key also makes its certificate, on the calling thread: a few milliseconds of computation.
     * The result is
     * signalled on the event loop; a subscriber that adds its own handlers right then, synchronously, also receives
     * the application data that arrived together with the last handshake message. Cancelling closes the channel.
     *
     * <p>The initiator is the TLS client. It offers {@code muxers} and then {@value #ALPN_LIBP2P} with ALPN; the
     * server picks the client's first offer it supports; an agreed muxer becomes
     * {@link SecureSession#earlyMuxer()}, an agreed {@value #ALPN_LIBP2P} leaves the choice to multistream-select.
     *
     * <p>Fails with {@link HandshakeException}: {@code peerMismatch} when the remote is not {@code expectedRemote},
     * {@code timeout} after {@link TlsConfig#handshakeTimeout()}, {@code invalid} for anything else (a TLS error, a
     * certificate that is not a valid libp2p certificate, no application protocol in common, the connection
     * closing). The channel is closed on failure.
     */
    @Override
    public Mono<SecureSession> secure(Channel channel, boolean initiator, PrivateKey localKey, PeerId expectedRemote,
                                      List<String> muxers) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(localKey, "localKey");
        List<String> offered = List.copyOf(muxers);
        TlsIdentity identity;
        try {
            identity = identity(localKey);
        } catch (RuntimeException e) {
            channel.close();
            return Mono.error(HandshakeException.invalid("cannot make the TLS certificate", e));
        }
        Sinks.One<SecureSession> result = Sinks.one();
        Runnable install = () -> {
            try {
                SSLEngine engine = identity.newEngine(initiator, offered);
                SslHandler ssl = new SslHandler(engine);
                ssl.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
                ChannelPipeline pipeline = channel.pipeline();
                // The watcher first, so that it sees even a failure signalled while the SslHandler is added.
                pipeline.addLast(HANDSHAKE_NAME, new TlsHandshakeHandler(engine, expectedRemote, offered,
                        config.handshakeTimeout(), result));
                pipeline.addBefore(HANDSHAKE_NAME, SSL_NAME, ssl);
            } catch (RuntimeException e) {
                result.tryEmitError(HandshakeException.invalid("cannot install the TLS handlers", e));
                channel.close();
            }
        };
        if (channel.eventLoop().inEventLoop()) {
            install.run();
        } else {
            channel.eventLoop().execute(install);
        }
        return result.asMono().doFinally(signal -> {
            if (signal == SignalType.CANCEL) {
                channel.close();
            }
        });
    }

    /** The host key's certificate and context, made on first use; a race makes one twice and keeps the first. */
    private TlsIdentity identity(PrivateKey localKey) {
        PublicKey key = localKey.publicKey();
        TlsIdentity identity = identities.get(key);
        if (identity == null) {
            TlsIdentity made = TlsIdentity.create(localKey, random);
            identity = Objects.requireNonNullElse(identities.putIfAbsent(key, made), made);
        }
        return identity;
    }
}
