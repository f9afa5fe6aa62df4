package io.peerflux.security.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLException;

/**
 * A {@link TlsIdentity} on BoringSSL, through Netty's OpenSSL engine ({@link SslProvider#OPENSSL}: contexts and
 * engines that free their native memory when collected, so none needs releasing).
 *
 * <p>The certificate and its key are converted to BoringSSL's form by a context's first handshake and kept by the
 * context, never converted per connection (a key store would convert them once, but storing a key in one draws
 * from the OS entropy source, which must not happen on an event loop); contexts are made once per ALPN offer
 * (client) or per selected protocol (server), a handful per host. Session tickets are
 * off (Netty sets {@code SSL_OP_NO_TICKET}) and so is the session cache; engines are made without a peer host, so no
 * server name is sent.
 *
 * <p>ALPN: BoringSSL's selector, as netty-tcnative configures it, picks the server's first protocol that the client
 * offers (server preference) and, when none matches, continues without ALPN instead of aborting. So a server reads
 * the client's offer from the ClientHello first ({@link ClientHelloAlpnHandler}), selects with
 * {@link TlsIdentity#select}, and runs an engine whose context supports exactly the selected protocol.
 */
final class OpenSslTlsIdentity extends TlsIdentity {

    private final KeyManagerFactory keys;
    private final Map<List<String>, SslContext> clientContexts = new ConcurrentHashMap<>();
    private final Map<String, SslContext> serverContexts = new ConcurrentHashMap<>();

    private OpenSslTlsIdentity(KeyManagerFactory keys) {
        this.keys = keys;
    }

    static OpenSslTlsIdentity create(Libp2pCertificate certificate) {
        return new OpenSslTlsIdentity(new OpenSslCachingX509KeyManagerFactory(
                new CertificateKeyManagerFactory(new CertificateKeyManager(certificate))));
    }

    @Override
    ChannelHandler newHandler(ByteBufAllocator alloc, boolean client, List<String> muxers) {
        if (client) {
            return untimed(clientContexts.computeIfAbsent(alpnOffer(muxers), this::clientContext)
                    .newHandler(alloc));
        }
        return new ClientHelloAlpnHandler(this, muxers);
    }

    /**
     * A server handler whose ALPN selects {@code protocol}, which the client offered; any protocol will do for a
     * client that offered none, as BoringSSL then does not run the selector.
     */
    SslHandler newServerHandler(ByteBufAllocator alloc, String protocol) {
        return untimed(serverContexts.computeIfAbsent(protocol, this::serverContext).newHandler(alloc));
    }

    private SslContext clientContext(List<String> offer) {
        return build(SslContextBuilder.forClient().keyManager(keys), offer);
    }

    private SslContext serverContext(String protocol) {
        return build(SslContextBuilder.forServer(keys).clientAuth(ClientAuth.REQUIRE), List.of(protocol));
    }

    private SslContext build(SslContextBuilder builder, List<String> alpn) {
        try {
            SslContext context = builder.sslProvider(SslProvider.OPENSSL)
                    .protocols(TLS_1_3)
                    .trustManager(Libp2pCertificate.trustManager())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                            SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn))
                    .build();
            ((OpenSslSessionContext) context.sessionContext()).setSessionCacheEnabled(false);
            return context;
        } catch (SSLException e) {
            throw new IllegalStateException("BoringSSL accepts the libp2p certificate and TLS 1.3", e);
        }
    }

    private static SslHandler untimed(SslHandler ssl) {
        ssl.setHandshakeTimeoutMillis(0);
        return ssl;
    }

    /** Hands Netty the one {@link CertificateKeyManager}; there is nothing to initialize. */
    private static final class CertificateKeyManagerFactory extends SimpleKeyManagerFactory {
        private final KeyManager[] keyManagers;

        CertificateKeyManagerFactory(CertificateKeyManager keyManager) {
            this.keyManagers = new KeyManager[] {keyManager};
        }

        @Override
        protected void engineInit(KeyStore keyStore, char[] password) {
        }

        @Override
        protected void engineInit(ManagerFactoryParameters parameters) {
        }

        @Override
        protected KeyManager[] engineGetKeyManagers() {
            return keyManagers;
        }
    }
}
