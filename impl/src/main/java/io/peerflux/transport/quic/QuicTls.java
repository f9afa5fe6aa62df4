package io.peerflux.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS 1.3 side of libp2p QUIC for one host identity (libp2p/specs quic/README.md "ALPN", "Peer Authentication";
 * tls/tls.md): a libp2p certificate, ALPN {@value #ALPN}, client certificates required, and every remote
 * certificate checked during the handshake by {@link PeerCertificates#verify}. Certificate checks are the only trust
 * decision: BoringSSL's own chain validation is replaced by the trust manager, so the critical libp2p extension is
 * no obstacle.
 *
 * <p>No server name is sent (tls.md "Future Extensibility") and sessions are never resumed, so every handshake
 * carries both certificates.
 */
record QuicTls(PeerId localPeer, QuicSslContext server, QuicSslContext client) {

    /** The ALPN protocol of libp2p over QUIC. */
    static final String ALPN = "libp2p";

    /** Builds the contexts for {@code hostKey}. Generates a key pair: call it off event loops. */
    static QuicTls create(PrivateKey hostKey) throws GeneralSecurityException {
        PeerCertificates.Local local = PeerCertificates.generate(hostKey);
        QuicSslContext server = QuicSslContextBuilder.forServer(local.key(), null, local.certificate())
                .trustManager(VerifyingTrustManager.INSTANCE)
                .clientAuth(ClientAuth.REQUIRE)
                .applicationProtocols(ALPN)
                .earlyData(false)
                .build();
        QuicSslContext client = QuicSslContextBuilder.forClient()
                .endpointIdentificationAlgorithm(null)
                .keyManager(local.key(), null, local.certificate())
                .trustManager(VerifyingTrustManager.INSTANCE)
                .applicationProtocols(ALPN)
                .earlyData(false)
                .build();
        return new QuicTls(PeerId.fromPublicKey(hostKey.publicKey()), server, client);
    }

    /**
     * The identity of a connection's remote, from the certificate the handshake already verified.
     *
     * @throws HandshakeException if the handshake left no valid certificate (it cannot, unless it failed)
     */
    static PeerCertificates.Remote remoteOf(QuicChannel channel) {
        try {
            java.security.cert.Certificate[] chain = channel.sslEngine().getSession().getPeerCertificates();
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                x509[i] = (X509Certificate) chain[i];
            }
            return PeerCertificates.verify(x509);
        } catch (SSLPeerUnverifiedException | CertificateException | ClassCastException | NullPointerException e) {
            throw HandshakeException.invalid("no verified libp2p certificate", e);
        }
    }

    /**
     * Accepts exactly the certificates {@link PeerCertificates#verify} accepts, on either side. Libp2p peers have no
     * host names, so there is no endpoint identification.
     */
    private static final class VerifyingTrustManager extends X509ExtendedTrustManager {
        static final VerifyingTrustManager INSTANCE = new VerifyingTrustManager();

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            PeerCertificates.verify(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            PeerCertificates.verify(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            PeerCertificates.verify(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            PeerCertificates.verify(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            PeerCertificates.verify(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            PeerCertificates.verify(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
