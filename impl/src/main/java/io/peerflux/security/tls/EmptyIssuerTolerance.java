package io.peerflux.security.tls;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.Security;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateFactorySpi;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.util.Properties;

/**
 * Lets the JDK read certificates whose issuer name is empty, as js-libp2p's are.
 *
 * <p>RFC 5280 demands a non-empty issuer, and the JDK's X.509 parser refuses certificates without one. The JDK's
 * TLS reads the peer's certificates with whatever {@code CertificateFactory} for X.509 comes first among the
 * installed security providers, with no per-connection hook, so js-libp2p peers cannot complete a TLS handshake
 * with it. {@link #install()} therefore puts, once per JVM, a provider first in the list whose X.509 factory asks
 * the JDK's factory and, only when that fails on a certificate whose issuer is empty, reads it with BouncyCastle
 * instead. Every certificate the JDK accepts is still the JDK's; the only change the JVM sees is that these
 * certificates become readable. Whether one is trusted stays a matter for whoever checks it: libp2p endpoints trust
 * certificates by their libp2p extension, never by issuer, and a PKIX validation finds no trust anchor for an empty
 * issuer.
 */
final class EmptyIssuerTolerance {

    static final String PROVIDER_NAME = "Peerflux-X509";
    private static final String BC_ALLOW_EMPTY_ISSUER = "org.bouncycastle.x509.allow_empty_issuer_cert";

    private EmptyIssuerTolerance() {
    }

    /**
     * Reads one DER certificate as the installed provider does, whatever X.509 factory comes first now: for
     * certificates that another library parses lazily with a factory it chose before {@link #install()} ran.
     */
    static X509Certificate read(byte[] der) throws CertificateException {
        try {
            return (X509Certificate) new TolerantCertificateFactory()
                    .engineGenerateCertificate(new ByteArrayInputStream(der));
        } catch (NoSuchAlgorithmException e) {
            throw new CertificateException(e);
        }
    }

    /** Installs the provider first among the JVM's security providers, unless already there. */
    static synchronized void install() {
        if (Security.getProvider(PROVIDER_NAME) == null) {
            Security.insertProviderAt(new TolerantProvider(), 1);
        }
    }

    private static final class TolerantProvider extends Provider {
        private static final long serialVersionUID = 1L;

        TolerantProvider() {
            super(PROVIDER_NAME, "1.0", "X.509 certificates as the JDK reads them, and also with an empty issuer");
            putService(new Service(this, "CertificateFactory", "X.509", TolerantCertificateFactory.class.getName(),
                    List.of("X509"), null) {
                @Override
                public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
                    return new TolerantCertificateFactory();
                }
            });
        }
    }

    /** The JDK's X.509 factory, falling back to BouncyCastle's for certificates with an empty issuer. */
    static final class TolerantCertificateFactory extends CertificateFactorySpi {

        private final CertificateFactory jdk;

        TolerantCertificateFactory() throws NoSuchAlgorithmException {
            try {
                this.jdk = CertificateFactory.getInstance("X.509", "SUN");
            } catch (CertificateException | NoSuchProviderException e) {
                throw new NoSuchAlgorithmException("the JDK's X.509 certificate factory is missing", e);
            }
        }

        @Override
        public Certificate engineGenerateCertificate(InputStream in) throws CertificateException {
            Recording recording = new Recording(in);
            try {
                return jdk.generateCertificate(recording);
            } catch (CertificateException refused) {
                X509Certificate tolerated = withEmptyIssuer(recording.bytes());
                if (tolerated == null) {
                    throw refused;
                }
                return tolerated;
            }
        }

        /** The certificate as BouncyCastle reads it with empty issuers allowed, if its issuer is in fact empty. */
        private static X509Certificate withEmptyIssuer(byte[] encoding) {
            Properties.setThreadOverride(BC_ALLOW_EMPTY_ISSUER, true);
            try {
                Certificate read = new org.bouncycastle.jcajce.provider.asymmetric.x509.CertificateFactory()
                        .engineGenerateCertificate(new ByteArrayInputStream(encoding));
                return read instanceof X509Certificate x509
                        && x509.getIssuerX500Principal().getEncoded().length == EMPTY_NAME_LENGTH ? x509 : null;
            } catch (CertificateException | RuntimeException e) {
                return null;
            } finally {
                Properties.removeThreadOverride(BC_ALLOW_EMPTY_ISSUER);
            }
        }

        /** The DER encoding of an empty name: an empty SEQUENCE. */
        private static final int EMPTY_NAME_LENGTH = 2;

        @Override
        public Collection<? extends Certificate> engineGenerateCertificates(InputStream in)
                throws CertificateException {
            return jdk.generateCertificates(in);
        }

        @Override
        public CertPath engineGenerateCertPath(InputStream in) throws CertificateException {
            return jdk.generateCertPath(in);
        }

        @Override
        public CertPath engineGenerateCertPath(InputStream in, String encoding) throws CertificateException {
            return jdk.generateCertPath(in, encoding);
        }

        @Override
        public CertPath engineGenerateCertPath(List<? extends Certificate> certificates)
                throws CertificateException {
            return jdk.generateCertPath(certificates);
        }

        @Override
        public Iterator<String> engineGetCertPathEncodings() {
            return jdk.getCertPathEncodings();
        }

        @Override
        public CRL engineGenerateCRL(InputStream in) throws CRLException {
            return jdk.generateCRL(in);
        }

        @Override
        public Collection<? extends CRL> engineGenerateCRLs(InputStream in) throws CRLException {
            return jdk.generateCRLs(in);
        }
    }

    /** Keeps a copy of the bytes read through it: the one certificate the JDK's factory consumed. */
    private static final class Recording extends FilterInputStream {
        private final java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                copy.write(buffer, offset, n);
            }
            return n;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        byte[] bytes() {
            return copy.toByteArray();
        }
    }
}
