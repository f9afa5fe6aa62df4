package io.peerflux.security.tls;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import io.peerflux.crypto.PrivateKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerflux.crypto.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Jazzer fuzz target: a peer's certificate as arbitrary DER, read as the TLS stack reads it
 * ({@link EmptyIssuerTolerance#read}) and authenticated by {@link Libp2pCertificate#verifyHostKey}: each step
 * either succeeds or throws a {@link CertificateException}; an accepted key names the same peer again. See
 * docs/fuzzing.md.
 */
class TlsCertificateFuzzerTest {

    @FuzzTest
    void fuzz(byte[] der) {
        X509Certificate certificate;
        try {
            certificate = EmptyIssuerTolerance.read(der);
        } catch (CertificateException rejected) {
            return;
        }
        PublicKey key;
        try {
            key = Libp2pCertificate.verifyHostKey(new X509Certificate[] {certificate});
        } catch (CertificateException rejected) {
            return;
        }
        assertThat(PublicKey.unmarshal(key.marshal())).isEqualTo(key);
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        for (PrivateKey host : new PrivateKey[] {PrivateKey.generateEd25519(), PrivateKey.generateSecp256k1(),
                PrivateKey.generateEcdsaP256()}) {
            seeds.addVarying(target, host.type().name().toLowerCase(java.util.Locale.ROOT),
                    Libp2pCertificate.generate(host).certificate().getEncoded());
        }
        seeds.verifyOrWrite();
    }
}
