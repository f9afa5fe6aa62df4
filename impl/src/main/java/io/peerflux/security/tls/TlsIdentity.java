package io.peerflux.security.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslProvider;
import io.peerflux.crypto.PrivateKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

/**
 * One host key's TLS setup: its {@link Libp2pCertificate} and the engine configuration presenting it, made once and
 * shared by every connection of that host; {@link #newHandler} is cheap.
 *
 * <p>Every engine speaks TLS 1.3 only, demands a certificate from the client, trusts certificates by their libp2p
 * extension alone ({@link Libp2pTrustManager}), sends no server name and never resumes a session: a resumed session
 * would skip the certificate check that authenticates the peer.
 *
 * <p>ALPN: the client offers its muxers then {@value Tls#ALPN_LIBP2P}; the server picks the client's first offer it
 * supports ({@link #select}), aborting the handshake with {@code no_application_protocol} when there is none.
 */
abstract sealed class TlsIdentity permits JdkTlsIdentity, OpenSslTlsIdentity {

    static final String TLS_1_3 = "TLSv1.3";

    /**
     * Generates the certificate for {@code hostKey} and the setup presenting it with {@code provider}'s engine.
     *
     * @param random seeded already, so that neither this nor later handshakes read the OS entropy source
     */
    static TlsIdentity create(PrivateKey hostKey, SecureRandom random, SslProvider provider) {
        Libp2pCertificate certificate = Libp2pCertificate.generate(hostKey, random, Instant.now());
        return switch (provider) {
            case JDK -> JdkTlsIdentity.create(certificate, random);
            case OPENSSL -> OpenSslTlsIdentity.create(certificate);
            default -> throw new IllegalArgumentException("unsupported TLS provider: " + provider);
        };
    }

    /**
     * The handler that runs TLS on one connection: an {@link io.netty.handler.ssl.SslHandler} without a handshake
     * timeout (the caller keeps the time), or one that installs it once it knows what ALPN must select.
     *
     * @param muxers offered by a client, supported by a server
     */
    abstract ChannelHandler newHandler(ByteBufAllocator alloc, boolean client, List<String> muxers);

    /** The muxers then {@value Tls#ALPN_LIBP2P}: what a client offers in ALPN. */
    static List<String> alpnOffer(List<String> muxers) {
        String[] offer = muxers.toArray(new String[muxers.size() + 1]);
        offer[muxers.size()] = Tls.ALPN_LIBP2P;
        return List.of(offer);
    }

    /** The client's first offer we support; {@code null} when there is none, which must abort the handshake. */
    static String select(List<String> offered, List<String> muxers) {
        for (String protocol : offered) {
            if (protocol.equals(Tls.ALPN_LIBP2P) || muxers.contains(protocol)) {
                return protocol;
            }
        }
        return null;
    }
}
