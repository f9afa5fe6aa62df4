package io.peerflux.security.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one {@link Libp2pCertificate} as client and as server, whatever issuers the peer asks for (libp2p
 * certificates are self-signed). Serving it from memory avoids the password-encrypted key store that a
 * {@code KeyManagerFactory} needs, which costs tens of milliseconds to build.
 */
final class CertificateKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "libp2p";

    private final X509Certificate[] chain;
    private final PrivateKey key;
    private final String keyType;

    CertificateKeyManager(Libp2pCertificate certificate) {
        this.chain = new X509Certificate[] {certificate.certificate()};
        this.key = certificate.certificateKey();
        this.keyType = key.getAlgorithm();
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return keyTypes != null && Arrays.asList(keyTypes).contains(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return this.keyType.equals(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return this.keyType.equals(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
