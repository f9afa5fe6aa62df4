package io.peerflux.security.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslHandler;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * A {@link TlsIdentity} on the JDK's {@link SSLEngine}.
 *
 * <p>Engines are made without a peer host, so clients neither send a server name (the spec forbids it) nor look for a
 * session to resume. Servers issue no session tickets, which saves two records and a cache entry per connection:
 * the JDK issues none, and drops those it receives, when sessions may live longer than the seven days RFC 8446
 * (section 4.6.1) allows a ticket. Both session caches hold one entry at most. The server picks the ALPN protocol
 * with {@link TlsIdentity#select}, through the engine's selector.
 */
final class JdkTlsIdentity extends TlsIdentity {

    private static final int SESSION_CACHE_SIZE = 1; // 0 would mean unbounded
    /** Longer than the longest ticket lifetime, seven days, so that the JDK neither sends nor keeps tickets. */
    private static final int SESSION_TIMEOUT_SECONDS = (int) Duration.ofDays(8).toSeconds();

    private final SSLContext context;

    private JdkTlsIdentity(SSLContext context) {
        this.context = context;
    }

    static JdkTlsIdentity create(Libp2pCertificate certificate, SecureRandom random) {
        try {
            SSLContext context = SSLContext.getInstance(TLS_1_3);
            context.init(new KeyManager[] {new CertificateKeyManager(certificate)},
                    new TrustManager[] {Libp2pCertificate.trustManager()}, random);
            for (SSLSessionContext sessions : List.of(context.getClientSessionContext(),
                    context.getServerSessionContext())) {
                sessions.setSessionCacheSize(SESSION_CACHE_SIZE);
                sessions.setSessionTimeout(SESSION_TIMEOUT_SECONDS);
            }
            return new JdkTlsIdentity(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK provides TLS 1.3", e);
        }
    }

    @Override
    ChannelHandler newHandler(ByteBufAllocator alloc, boolean client, List<String> muxers) {
        SslHandler ssl = new SslHandler(newEngine(client, muxers));
        ssl.setHandshakeTimeoutMillis(0);
        return ssl;
    }

    /** A TLS 1.3 engine for one connection, with the ALPN offer (client) or selector (server). */
    SSLEngine newEngine(boolean client, List<String> muxers) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {TLS_1_3});
        if (client) {
            parameters.setApplicationProtocols(alpnOffer(muxers).toArray(String[]::new));
        } else {
            parameters.setNeedClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        if (!client) {
            engine.setHandshakeApplicationProtocolSelector((e, offered) -> select(offered, muxers));
        }
        return engine;
    }
}
