package io.peerflux.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.tls.Libp2pCertificate;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS 1.3 side of libp2p QUIC for one host identity (libp2p/specs quic/README.md "ALPN", "Peer Authentication";
 * tls/tls.md): a {@link Libp2pCertificate}, ALPN {@value #ALPN}, client certificates required, and every remote
 * certificate checked during the handshake by {@link Libp2pCertificate#verifyHostKey}. Certificate checks are the
 * only trust decision: BoringSSL's own chain validation is replaced by the trust manager, so the critical libp2p
 * extension is no obstacle.
 *
 * <p>No server name is sent (tls.md "Future Extensibility") and sessions are never resumed, so every handshake
 * carries both certificates.
 */
record QuicTls(PeerId localPeer, QuicSslContext server, QuicSslContext client, X509Certificate certificate) {

    /** The ALPN protocol of libp2p over QUIC. */
    static final String ALPN = "libp2p";

    private static final Logger log = LoggerFactory.getLogger(QuicTls.class);

    /** Builds the contexts for {@code hostKey}. Generates a key pair: call it off event loops. */
    static QuicTls create(PrivateKey hostKey) {
        Libp2pCertificate local = Libp2pCertificate.generate(hostKey);
        QuicSslContext server = QuicSslContextBuilder.forServer(local.certificateKey(), null, local.certificate())
                .trustManager(VerifyingTrustManager.INSTANCE)
                .clientAuth(ClientAuth.REQUIRE)
                .applicationProtocols(ALPN)
                .earlyData(false)
                .build();
        QuicSslContext client = QuicSslContextBuilder.forClient()
                .endpointIdentificationAlgorithm(null)
                .keyManager(local.certificateKey(), null, local.certificate())
                .trustManager(VerifyingTrustManager.INSTANCE)
                .applicationProtocols(ALPN)
                .earlyData(false)
                .build();
        return new QuicTls(PeerId.fromPublicKey(hostKey.publicKey()), server, client, local.certificate());
    }

    /** Checks our own certificate as a remote's is checked, for {@link Quic#warmUp}; returns its host key. */
    PublicKey checkOwnCertificate() throws CertificateException {
        return verify(new Certificate[] {certificate});
    }

    /**
     * The host key of a connection's remote, from the certificate the handshake already verified.
     *
     * @throws HandshakeException if the handshake left no valid certificate (it cannot, unless it failed)
     */
    static PublicKey remoteOf(QuicChannel channel) {
        try {
            return verify(channel.sslEngine().getSession().getPeerCertificates());
        } catch (SSLPeerUnverifiedException | CertificateException e) {
            throw HandshakeException.invalid("no valid libp2p certificate", e);
        }
    }

    /**
     * Verifies a remote's chain. Netty hands certificates over still encoded, to be read by whichever X.509 factory
     * its first use found; each is read again here with the JVM's current factory, which
     * {@link Libp2pCertificate} made tolerant of the empty issuer js-libp2p's certificates have.
     */
    private static PublicKey verify(Certificate[] chain) throws CertificateException {
        X509Certificate[] readable = new X509Certificate[chain.length];
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (int i = 0; i < chain.length; i++) {
            readable[i] = (X509Certificate) factory.generateCertificate(
                    new ByteArrayInputStream(chain[i].getEncoded()));
        }
        return Libp2pCertificate.verifyHostKey(readable);
    }

    /** Accepts exactly the certificates {@link Libp2pCertificate} accepts, on either side; there are no host names. */
    private static final class VerifyingTrustManager extends X509ExtendedTrustManager {
        static final VerifyingTrustManager INSTANCE = new VerifyingTrustManager();

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        private static void check(X509Certificate[] chain) throws CertificateException {
            try {
                verify(chain == null ? new Certificate[0] : chain);
            } catch (CertificateException e) {
                log.debug("refused a remote certificate: {}", e.getMessage());
                throw e;
            }
        }
    }
}
