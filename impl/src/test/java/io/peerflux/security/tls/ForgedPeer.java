package io.peerflux.security.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS 1.3 peer of the JDK's that presents whatever certificate it is given (or none) and trusts anything: the
 * counterpart that lets tests show what {@link Tls} does with certificates it must reject.
 */
final class ForgedPeer {

    private ForgedPeer() {
    }

    /** A TLS 1.3 client presenting {@code forge}'s certificate ({@code null}: none), offering {@code alpn} if any. */
    static ChannelInitializer<Channel> client(CertificateForge forge, String... alpn) {
        return initializer(true, TLS_1_3, forge, alpn);
    }

    /** A client like {@link #client} that speaks TLS 1.2 only. */
    static ChannelInitializer<Channel> tls12Client(CertificateForge forge) {
        return initializer(true, "TLSv1.2", forge);
    }

    /** A TLS 1.3 server presenting {@code forge}'s certificate and requiring one from the client. */
    static ChannelInitializer<Channel> server(CertificateForge forge) {
        return initializer(false, TLS_1_3, forge);
    }

    private static final String TLS_1_3 = "TLSv1.3";

    private static ChannelInitializer<Channel> initializer(boolean client, String protocol, CertificateForge forge,
                                                           String... alpn) {
        SSLContext context = context(forge);
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                SSLEngine engine = context.createSSLEngine();
                engine.setUseClientMode(client);
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setProtocols(new String[] {protocol});
                parameters.setApplicationProtocols(alpn);
                parameters.setNeedClientAuth(!client);
                engine.setSSLParameters(parameters);
                channel.pipeline().addLast(new SslHandler(engine), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // the failure these peers are made to provoke
                    }
                });
            }
        };
    }

    private static SSLContext context(CertificateForge forge) {
        try {
            KeyManager[] keys = null;
            if (forge != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] password = "forged".toCharArray();
                store.setKeyEntry("forged", forge.certificateKey.getPrivate(), password,
                        new Certificate[] {forge.build()});
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, password);
                keys = factory.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, new TrustManager[] {new TrustingEverything()}, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class TrustingEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
