package io.peerflux.security.tls;

import io.netty.handler.ssl.util.LazyX509Certificate;
import io.peerflux.crypto.PublicKey;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly libp2p certificates ({@link Libp2pCertificate#verifyHostKey}), whichever side presents them, and
 * keeps the verified host key in the handshake session under {@link #REMOTE_HOST_KEY}. Being an
 * {@link X509ExtendedTrustManager}, the JDK and Netty's OpenSSL engine use it as it is, without adding hostname or CA
 * checks. Netty's OpenSSL engine hands it certificates that it parses lazily ({@link LazyX509Certificate}) with the
 * X.509 factory that was first when that class loaded, perhaps before {@link EmptyIssuerTolerance} was installed:
 * those are read here with the tolerant factory instead, still once.
 */
final class Libp2pTrustManager extends X509ExtendedTrustManager {

    static final Libp2pTrustManager INSTANCE = new Libp2pTrustManager();
    /** The {@link SSLSession} value name under which the remote's verified {@link PublicKey} is kept. */
    static final String REMOTE_HOST_KEY = "io.peerflux.tls.remote-host-key";

    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private Libp2pTrustManager() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        record(Libp2pCertificate.verifyHostKey(readable(chain)),
                engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        record(Libp2pCertificate.verifyHostKey(readable(chain)),
                engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        record(Libp2pCertificate.verifyHostKey(readable(chain)), handshakeSession(socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        record(Libp2pCertificate.verifyHostKey(readable(chain)), handshakeSession(socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        Libp2pCertificate.verifyHostKey(readable(chain));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        Libp2pCertificate.verifyHostKey(readable(chain));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }

    private static X509Certificate[] readable(X509Certificate[] chain) throws CertificateException {
        if (chain == null) {
            return null;
        }
        X509Certificate[] readable = chain.clone();
        for (int i = 0; i < readable.length; i++) {
            if (readable[i] instanceof LazyX509Certificate lazy) {
                readable[i] = EmptyIssuerTolerance.read(lazy.getEncoded());
            }
        }
        return readable;
    }

    private static SSLSession handshakeSession(Socket socket) {
        return socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
    }

    private static void record(PublicKey hostKey, SSLSession handshakeSession) {
        if (handshakeSession != null) {
            handshakeSession.putValue(REMOTE_HOST_KEY, hostKey);
        }
    }
}
