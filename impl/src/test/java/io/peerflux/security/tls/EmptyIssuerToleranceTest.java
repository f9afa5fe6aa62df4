package io.peerflux.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import java.io.ByteArrayInputStream;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Certificates with an empty issuer, as js-libp2p makes them, become readable; nothing else changes. */
class EmptyIssuerToleranceTest {

    private static final PrivateKey HOST = PrivateKey.generateEd25519();

    static {
        EmptyIssuerTolerance.install();
    }

    @Test
    void theJdkAloneRefusesAnEmptyIssuer() throws Exception {
        byte[] der = CertificateForge.libp2p(HOST).withoutNames().encoded();
        assertThatThrownBy(() -> CertificateFactory.getInstance("X.509", "SUN")
                .generateCertificate(new ByteArrayInputStream(der)))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("Empty issuer DN");
    }

    @Test
    void emptyIssuerCertificatesAreReadAndAuthenticate() throws Exception {
        byte[] der = CertificateForge.libp2p(HOST).withoutNames().encoded();
        X509Certificate certificate = CertificateForge.parse(der);

        assertThat(certificate.getEncoded()).isEqualTo(der);
        assertThat(certificate.getIssuerX500Principal().getName()).isEmpty();
        assertThat(Libp2pCertificate.verify(new X509Certificate[] {certificate}))
                .isEqualTo(PeerId.fromPublicKey(HOST.publicKey()));
    }

    @Test
    void otherCertificatesAreStillTheJdks() throws Exception {
        X509Certificate certificate = CertificateForge.parse(CertificateForge.libp2p(HOST).encoded());
        assertThat(certificate.getClass().getName()).startsWith("sun.security.x509.");
    }

    @Test
    void theProviderIsFirstAndInstalledOnce() {
        EmptyIssuerTolerance.install();
        assertThat(Security.getProviders()[0].getName()).isEqualTo(EmptyIssuerTolerance.PROVIDER_NAME);
        assertThat(Arrays.stream(Security.getProviders())
                .filter(p -> p.getName().equals(EmptyIssuerTolerance.PROVIDER_NAME))).hasSize(1);
    }

    @Test
    void certificatesInOneStreamAreReadOneByOne() throws Exception {
        byte[] first = CertificateForge.libp2p(HOST).withoutNames().encoded();
        byte[] second = CertificateForge.libp2p(HOST).encoded();
        byte[] both = CertificateForge.concat(first, second);
        ByteArrayInputStream in = new ByteArrayInputStream(both);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");

        assertThat(factory.generateCertificate(in).getEncoded()).isEqualTo(first);
        assertThat(factory.generateCertificate(in).getEncoded()).isEqualTo(second);
        assertThat(in.available()).isZero();
    }

    @Test
    void malformedCertificatesAreRefusedAsBefore() {
        byte[] der = CertificateForge.libp2p(HOST).withoutNames().encoded();
        byte[] truncated = Arrays.copyOf(der, der.length - 10);
        assertThatThrownBy(() -> CertificateForge.parse(truncated)).isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> CertificateForge.parse(new byte[] {0x30, 0x03, 1, 2, 3}))
                .isInstanceOf(CertificateException.class);
    }
}
