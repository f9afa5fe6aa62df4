package io.peerflux.transport.quic;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The libp2p TLS certificate (libp2p/specs tls/tls.md "Peer Authentication", "libp2p Public Key Extension"): a
 * self-signed certificate whose extension carries the host key and its signature over the certificate key.
 *
 * <p>A minimal stand-in until {@code io.peerflux.security.tls.Libp2pCertificate} is on main; the QUIC transport
 * uses nothing else of libp2p TLS, so swapping it is a matter of these two methods' bodies.
 */
final class PeerCertificates {

    /** The libp2p Public Key Extension's OID, allocated by IANA to libp2p. */
    static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";
    private static final byte[] SIGNATURE_PREFIX = "libp2p-tls-handshake:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Duration VALIDITY = Duration.ofDays(365);

    private PeerCertificates() {
    }

    /** A certificate for the local host and the private key of the certificate (not of the host). */
    record Local(X509Certificate certificate, java.security.PrivateKey key) {
    }

    /** The identity a verified remote certificate authenticates. */
    record Remote(PeerId peer, PublicKey key) {
    }

    /** Generates a fresh P-256 certificate key and a certificate carrying {@code hostKey}'s signed public key. */
    static Local generate(PrivateKey hostKey) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair certificateKey = generator.generateKeyPair();
        byte[] spki = certificateKey.getPublic().getEncoded();
        byte[] signature = hostKey.sign(concat(SIGNATURE_PREFIX, spki));
        byte[] signedKey;
        try {
            signedKey = new DERSequence(new DEROctetString[] {
                    new DEROctetString(hostKey.publicKey().marshal()), new DEROctetString(signature)}).getEncoded();
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot encode the libp2p extension", e);
        }
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + PeerId.fromPublicKey(hostKey.publicKey()));
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(VALIDITY)), subject, certificateKey.getPublic());
            builder.addExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier(EXTENSION_OID), true, signedKey);
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(certificateKey.getPrivate())));
            return new Local(certificate, certificateKey.getPrivate());
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot build the certificate", e);
        }
    }

    /**
     * Verifies a remote's chain: exactly one currently valid, correctly self-signed certificate, no critical extension
     * but the libp2p one, whose host key signed the certificate key.
     */
    static Remote verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException("expected exactly one certificate, got " + (chain == null ? 0 : chain.length));
        }
        X509Certificate certificate = chain[0];
        certificate.checkValidity();
        try {
            certificate.verify(certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("invalid self-signature", e);
        }
        Set<String> critical = certificate.getCriticalExtensionOIDs() == null ? Set.of()
                : new HashSet<>(certificate.getCriticalExtensionOIDs());
        critical.remove(EXTENSION_OID);
        if (!critical.isEmpty()) {
            throw new CertificateException("unknown critical extensions " + critical);
        }
        byte[] extension = certificate.getExtensionValue(EXTENSION_OID);
        if (extension == null) {
            throw new CertificateException("no libp2p public key extension");
        }
        PublicKey hostKey;
        byte[] signature;
        try {
            ASN1Sequence signedKey = ASN1Sequence.getInstance(
                    ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(extension).getOctets()));
            if (signedKey.size() != 2) {
                throw new CertificateException("malformed libp2p public key extension");
            }
            hostKey = PublicKey.unmarshal(ASN1OctetString.getInstance(signedKey.getObjectAt(0)).getOctets());
            signature = ASN1OctetString.getInstance(signedKey.getObjectAt(1)).getOctets();
        } catch (IOException | IllegalArgumentException e) {
            throw new CertificateException("malformed libp2p public key extension", e);
        }
        if (!hostKey.verify(concat(SIGNATURE_PREFIX, certificate.getPublicKey().getEncoded()), signature)) {
            throw new CertificateException("the host key's signature does not match the certificate key");
        }
        return new Remote(PeerId.fromPublicKey(hostKey), hostKey);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
