package io.peerflux.security.tls;

import io.peerflux.crypto.PrivateKey;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds certificates that {@link Libp2pCertificate#generate} never would, independently of it: with the libp2p
 * extension missing, signed over another key, malformed, next to other extensions, signed by another key or with
 * another algorithm, or without issuer and subject names.
 */
final class CertificateForge {

    static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";

    final KeyPair certificateKey = newKeyPair();
    private final List<Extension> extensions = new ArrayList<>();
    private KeyPair signingKey = certificateKey;
    private boolean emptyNames;
    private String signatureAlgorithm = "SHA256withECDSA";
    private final Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    private final Instant notAfter = Instant.now().plus(Duration.ofDays(1));

    /** A certificate with the libp2p extension for {@code hostKey}, correct unless changed further. */
    static CertificateForge libp2p(PrivateKey hostKey) {
        CertificateForge forge = new CertificateForge();
        return forge.signedKey(hostKey, forge.certificateKey.getPublic().getEncoded());
    }

    /** A self-signed certificate without any extension. */
    static CertificateForge plain() {
        return new CertificateForge();
    }

    /** Adds a critical libp2p extension in which {@code hostKey} signs {@code spki} (the real one or any other). */
    CertificateForge signedKey(PrivateKey hostKey, byte[] spki) {
        byte[] signature = hostKey.sign(concat("libp2p-tls-handshake:".getBytes(), spki));
        return extension(EXTENSION_OID, true, new DERSequence(new ASN1Encodable[] {
                new DEROctetString(hostKey.publicKey().marshal()), new DEROctetString(signature)}));
    }

    CertificateForge extension(String oid, boolean critical, ASN1Encodable value) {
        try {
            extensions.add(new Extension(new ASN1ObjectIdentifier(oid), critical, value.toASN1Primitive()
                    .getEncoded("DER")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Adds an extension whose value (inside the extension's OCTET STRING) is exactly {@code der}. */
    CertificateForge rawExtension(String oid, boolean critical, byte[] der) {
        extensions.add(new Extension(new ASN1ObjectIdentifier(oid), critical, der));
        return this;
    }

    CertificateForge signatureAlgorithm(String algorithm) {
        this.signatureAlgorithm = algorithm;
        return this;
    }

    CertificateForge signedBy(KeyPair key) {
        this.signingKey = key;
        return this;
    }

    /** Leaves issuer and subject empty, as js-libp2p does (and RFC 5280 forbids). */
    CertificateForge withoutNames() {
        this.emptyNames = true;
        return this;
    }

    /** The DER encoding, signed by the certificate key unless {@link #signedBy} said otherwise. */
    byte[] encoded() {
        try {
            X500Name name = new X500Name("CN=forged");
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, BigInteger.valueOf(42),
                    Date.from(notBefore), Date.from(notAfter), name,
                    SubjectPublicKeyInfo.getInstance(certificateKey.getPublic().getEncoded()));
            for (Extension extension : extensions) {
                builder.addExtension(extension);
            }
            byte[] der = builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(signingKey.getPrivate()))
                    .getEncoded();
            return emptyNames ? withEmptyNames(der) : der;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Re-signs the certificate with issuer and subject replaced by empty names, which BouncyCastle won't write. */
    private byte[] withEmptyNames(byte[] der) throws Exception {
        ASN1Sequence certificate = ASN1Sequence.getInstance(der);
        ASN1EncodableVector tbs = new ASN1EncodableVector();
        ASN1Sequence original = ASN1Sequence.getInstance(certificate.getObjectAt(0));
        for (int i = 0; i < original.size(); i++) {
            tbs.add(i == ISSUER || i == SUBJECT ? new DERSequence() : original.getObjectAt(i));
        }
        byte[] tbsDer = new DERSequence(tbs).getEncoded("DER");
        Signature signer = Signature.getInstance(signatureAlgorithm);
        signer.initSign(signingKey.getPrivate());
        signer.update(tbsDer);
        return new DERSequence(new ASN1Encodable[] {new DERSequence(tbs), certificate.getObjectAt(1),
                new DERBitString(signer.sign())}).getEncoded("DER");
    }

    private static final int ISSUER = 3;
    private static final int SUBJECT = 5;

    /** The certificate, read by whatever X.509 factory the JVM has first (the JDK's, for non-empty names). */
    X509Certificate build() {
        try {
            return parse(encoded());
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate parse(byte[] der) throws java.security.cert.CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
