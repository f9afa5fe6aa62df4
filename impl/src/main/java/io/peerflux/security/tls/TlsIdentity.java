package io.peerflux.security.tls;

import io.peerflux.crypto.PrivateKey;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * One host key's TLS setup: its {@link Libp2pCertificate} and a JDK {@link SSLContext} presenting it, made once and
 * shared by every connection of that host; {@link #newEngine} is cheap.
 *
 * <p>Sessions are never resumed: a resumed session would skip the certificate check that authenticates the peer.
 * Engines are made without a peer host, so clients neither send a server name (the spec forbids it) nor look for a
 * session to resume. Servers issue no session tickets, which saves two records and a cache entry per connection:
 * the JDK issues none, and drops those it receives, when sessions may live longer than the seven days RFC 8446
 * (section 4.6.1) allows a ticket. Both session caches hold one entry at most.
 */
final class TlsIdentity {

    private static final String TLS_1_3 = "TLSv1.3";
    private static final int SESSION_CACHE_SIZE = 1; // 0 would mean unbounded
    /** Longer than the longest ticket lifetime, seven days, so that the JDK neither sends nor keeps tickets. */
    private static final int SESSION_TIMEOUT_SECONDS = (int) Duration.ofDays(8).toSeconds();

    private final SSLContext context;

    private TlsIdentity(SSLContext context) {
        this.context = context;
    }

    /**
     * Generates the certificate for {@code hostKey} and the context presenting it.
     *
     * @param random seeded already, so that neither this nor later handshakes read the OS entropy source
     */
    static TlsIdentity create(PrivateKey hostKey, SecureRandom random) {
        Libp2pCertificate certificate = Libp2pCertificate.generate(hostKey, random, Instant.now());
        try {
            SSLContext context = SSLContext.getInstance(TLS_1_3);
            context.init(new KeyManager[] {new CertificateKeyManager(certificate)},
                    new TrustManager[] {Libp2pCertificate.trustManager()}, random);
            for (SSLSessionContext sessions : List.of(context.getClientSessionContext(),
                    context.getServerSessionContext())) {
                sessions.setSessionCacheSize(SESSION_CACHE_SIZE);
                sessions.setSessionTimeout(SESSION_TIMEOUT_SECONDS);
            }
            return new TlsIdentity(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK provides TLS 1.3", e);
        }
    }

    /**
     * A TLS 1.3 engine for one connection. The client offers {@code muxers} then {@value Tls#ALPN_LIBP2P} with
     * ALPN; the server demands a client certificate and picks the client's first offer it supports (a muxer of
     * {@code muxers} or {@value Tls#ALPN_LIBP2P}), aborting the handshake when there is none.
     */
    SSLEngine newEngine(boolean client, List<String> muxers) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {TLS_1_3});
        if (client) {
            List<String> offered = new ArrayList<>(muxers);
            offered.add(Tls.ALPN_LIBP2P);
            parameters.setApplicationProtocols(offered.toArray(String[]::new));
        } else {
            parameters.setNeedClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        if (!client) {
            engine.setHandshakeApplicationProtocolSelector((e, offered) -> select(offered, muxers));
        }
        return engine;
    }

    /** The client's first offer we support; {@code null} makes the JDK abort with {@code no_application_protocol}. */
    static String select(List<String> offered, List<String> muxers) {
        for (String protocol : offered) {
            if (protocol.equals(Tls.ALPN_LIBP2P) || muxers.contains(protocol)) {
                return protocol;
            }
        }
        return null;
    }
}
