package io.peerflux.security.tls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
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
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

/**
 * libp2p TLS ({@value #PROTOCOL_ID}): secures a raw connection with TLS 1.3, both sides presenting a
 * {@link Libp2pCertificate}, and negotiates the stream muxer with ALPN. Immutable and shared by every connection.
 *
 * <p>The TLS engine, driven by Netty's {@link SslHandler}, is BoringSSL (Netty's OpenSSL engine, from
 * netty-tcnative-boringssl-static) where its native library loads, else the JDK's; the system property
 * {@code peerflux.tls.provider} ({@code OpenSSL} or {@code JDK}) overrides the choice. Both behave alike on the wire.
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
    private final SslProvider provider;
    /**
     * A DRBG seeded here, off the event loop, for certificates and the TLS randomness (randoms, key shares), so that
     * these never read OS entropy on an event loop.
     */
    private final SecureRandom random;
    private final Map<PublicKey, TlsIdentity> identities = new ConcurrentHashMap<>();

    static {
        // Netty's OpenSSL engine reads certificates with the X.509 factory first among the security providers when
        // its classes load: install the one that reads js-libp2p's certificates before that.
        EmptyIssuerTolerance.install();
        // Netty's TLS utilities, on first use, ask the JDK for its default TLS parameters, which reads the network
        // properties file: make that first use happen here, off the event loop. (The argument is any 5 bytes.)
        SslHandler.isEncrypted(Unpooled.wrappedBuffer(new byte[TLS_RECORD_HEADER_LENGTH]));
    }

    private Tls(TlsConfig config, SslProvider provider) {
        this.config = config;
        this.provider = provider;
        this.random = Libp2pCertificate.Randomness.newDrbg();
    }

    /** TLS with {@link TlsConfig#defaults()}. */
    public static Tls create() {
        return create(TlsConfig.defaults());
    }

    /** TLS with {@code config}, on the engine chosen for this JVM (see the class javadoc). */
    public static Tls create(TlsConfig config) {
        return create(config, TlsProviders.selected());
    }

    /** TLS on the given engine ({@link SslProvider#JDK} or {@link SslProvider#OPENSSL}, if it loads). */
    static Tls create(TlsConfig config, SslProvider provider) {
        Objects.requireNonNull(config, "config");
        if (provider == SslProvider.OPENSSL) {
            TlsProviders.named(TlsProviders.OPENSSL); // fails here, not on an event loop, if BoringSSL is missing
        } else if (provider != SslProvider.JDK) {
            throw new IllegalArgumentException("unsupported TLS provider: " + provider);
        }
        return new Tls(config, provider);
    }

    public TlsConfig config() {
        return config;
    }

    /** The TLS engine this instance runs. */
    SslProvider provider() {
        return provider;
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
                ChannelPipeline pipeline = channel.pipeline();
                // The watcher first, so that it sees even a failure signalled while the SslHandler is added.
                pipeline.addLast(HANDSHAKE_NAME, new TlsHandshakeHandler(expectedRemote, offered,
                        config.handshakeTimeout(), result));
                pipeline.addBefore(HANDSHAKE_NAME, SSL_NAME, identity.newHandler(channel.alloc(), initiator, offered));
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
            TlsIdentity made = TlsIdentity.create(localKey, random, provider);
            identity = Objects.requireNonNullElse(identities.putIfAbsent(key, made), made);
        }
        return identity;
    }
}
