package io.peerflux.security.tls;

import io.peerflux.crypto.KeyType;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A libp2p TLS certificate: self-signed by a fresh ECDSA P-256 key, and carrying the host's identity in the libp2p
 * Public Key Extension, whose host-key signature over the certificate key ties the two together. Used by TLS over
 * TCP and by QUIC alike.
 *
 * <p>Instances are immutable and thread-safe. {@link #generate(PrivateKey)} costs a key generation and two
 * signatures: do it once per host key, off the event loop or at startup. {@link #verify(X509Certificate[])} is pure
 * computation and may run on an event loop.
 */
public final class Libp2pCertificate {

    /** The libp2p Public Key Extension's object identifier, allocated by IANA to libp2p. */
    public static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";

    /** What the host key signs, followed by the certificate's {@code SubjectPublicKeyInfo}. */
    static final byte[] SIGNATURE_PREFIX = "libp2p-tls-handshake:".getBytes(StandardCharsets.UTF_8);
    /** How far back a new certificate's validity starts, so that a peer whose clock runs behind accepts it. */
    static final Duration BACKDATING = Duration.ofHours(1);
    /** How long a new certificate stays valid: practically forever, as go-libp2p and js-libp2p do. */
    static final Duration VALIDITY = Duration.ofDays(100 * 365);
    static final String CERTIFICATE_SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private static final ASN1ObjectIdentifier EXTENSION = new ASN1ObjectIdentifier(EXTENSION_OID);
    private static final String BASIC_CONSTRAINTS = Extension.basicConstraints.getId();
    private static final String KEY_USAGE = Extension.keyUsage.getId();
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int SERIAL_BITS = 63;
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final int PROTOBUF_TYPE_FIELD = 0x08; // field 1, varint
    private static final int PROTOBUF_DATA_FIELD = 0x12; // field 2, length-delimited
    private static final int SIGNATURE_INDEX = 1; // in the body after the version
    private static final int SPKI_INDEX = 5;

    static {
        // js-libp2p's certificates have an empty issuer, which the JDK cannot read without this.
        EmptyIssuerTolerance.install();
    }

    private final X509Certificate certificate;
    private final java.security.PrivateKey certificateKey;

    private Libp2pCertificate(X509Certificate certificate, java.security.PrivateKey certificateKey) {
        this.certificate = certificate;
        this.certificateKey = certificateKey;
    }

    /**
     * Makes a certificate for {@code hostKey}: a fresh P-256 key pair, a random serial, validity from an hour ago
     * for a hundred years, and the libp2p Public Key Extension (the only extension, marked critical).
     *
     * <p>Draws from a generator seeded once, on first use: call it off the event loop at least the first time.
     *
     * @param hostKey the host's identity key, which signs the certificate key
     * @return the certificate and its private key
     */
    public static Libp2pCertificate generate(PrivateKey hostKey) {
        return generate(hostKey, Randomness.DRBG, Instant.now());
    }

    static Libp2pCertificate generate(PrivateKey hostKey, SecureRandom random, Instant now) {
        Objects.requireNonNull(hostKey, "hostKey");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            byte[] signature = hostKey.sign(concat(SIGNATURE_PREFIX, spki));
            BigInteger serial = new BigInteger(SERIAL_BITS, random).add(BigInteger.ONE);
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.SERIALNUMBER, serial.toString())
                    .build();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, serial,
                    Date.from(now.minus(BACKDATING)), Date.from(now.plus(VALIDITY)), name,
                    SubjectPublicKeyInfo.getInstance(spki))
                    .addExtension(EXTENSION, true, signedKey(hostKey.publicKey().marshal(), signature));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(CERTIFICATE_SIGNATURE_ALGORITHM).setSecureRandom(random)
                            .build(pair.getPrivate())));
            return new Libp2pCertificate(certificate, pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("the JDK and BouncyCastle make P-256 certificates", e);
        }
    }

    /** The certificate, to present as a chain of one. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate's private key, unrelated to the host key; it signs the TLS handshake. */
    public java.security.PrivateKey certificateKey() {
        return certificateKey;
    }

    /**
     * Authenticates a peer by the certificate chain it presented, as the spec's "Peer Authentication" section
     * demands.
     *
     * @return the id of the peer whose host key the certificate carries
     * @throws CertificateException with a message saying what is wrong, see {@link #verifyHostKey}
     */
    public static PeerId verify(X509Certificate[] chain) throws CertificateException {
        return PeerId.fromPublicKey(verifyHostKey(chain));
    }

    /**
     * Authenticates a peer by the certificate chain it presented and returns its host key. The chain must be
     * exactly one certificate that is valid now, carries no unique ids, is correctly self-signed, has no critical
     * extension other than the libp2p one, basic constraints and key usage (which must allow digital signatures),
     * and whose libp2p Public Key Extension is a DER {@code SignedKey} holding a valid marshalled host key and that
     * key's signature over {@code "libp2p-tls-handshake:"} followed by the certificate's
     * {@code SubjectPublicKeyInfo}.
     *
     * @return the peer's host key
     * @throws CertificateException with a message saying which check failed
     */
    public static PublicKey verifyHostKey(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException("expected exactly one certificate, got "
                    + (chain == null ? 0 : chain.length));
        }
        X509Certificate certificate = chain[0];
        try {
            certificate.checkValidity();
        } catch (CertificateException e) {
            throw new CertificateException("certificate not valid now: " + e.getMessage(), e);
        }
        if (certificate.getIssuerUniqueID() != null || certificate.getSubjectUniqueID() != null) {
            throw new CertificateException("certificate carries the deprecated unique ids");
        }
        checkCriticalExtensions(certificate);
        SignedBody body = SignedBody.of(certificate);
        checkSelfSignature(certificate, body);
        byte[] extension = certificate.getExtensionValue(EXTENSION_OID);
        if (extension == null) {
            throw new CertificateException("certificate lacks the libp2p public key extension");
        }
        ASN1OctetString[] signedKey = parseSignedKey(extension);
        PublicKey hostKey;
        try {
            hostKey = PublicKey.unmarshal(signedKey[0].getOctets());
        } catch (IllegalArgumentException e) {
            throw new CertificateException("unusable host key in the libp2p extension: " + e.getMessage(), e);
        }
        byte[] signed = concat(SIGNATURE_PREFIX, body.subjectPublicKeyInfo());
        if (!hostKey.verify(signed, signedKey[1].getOctets())) {
            throw new CertificateException("the host key's signature in the libp2p extension does not cover the "
                    + "certificate key");
        }
        return hostKey;
    }

    /**
     * A trust manager that accepts exactly the chains {@link #verifyHostKey} accepts, for clients and servers alike,
     * and records the verified host key in the handshake session for {@link #remoteHostKey}. It names no
     * acceptable issuers. Shared and thread-safe.
     */
    public static X509ExtendedTrustManager trustManager() {
        return Libp2pTrustManager.INSTANCE;
    }

    /**
     * The remote's host key after a handshake whose certificates {@link #trustManager()} checked: the key it
     * recorded, or, if the engine kept no value in the handshake session, the key {@link #verifyHostKey} finds in
     * the session's peer certificates.
     *
     * @throws CertificateException if the session has no peer certificates or they do not pass
     */
    public static PublicKey remoteHostKey(SSLSession session) throws CertificateException {
        if (session.getValue(Libp2pTrustManager.REMOTE_HOST_KEY) instanceof PublicKey key) {
            return key;
        }
        try {
            java.security.cert.Certificate[] peer = session.getPeerCertificates();
            X509Certificate[] chain = new X509Certificate[peer.length];
            for (int i = 0; i < peer.length; i++) {
                if (!(peer[i] instanceof X509Certificate x509)) {
                    throw new CertificateException("not an X.509 certificate: " + peer[i].getType());
                }
                chain[i] = x509;
            }
            return verifyHostKey(chain);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new CertificateException("the remote presented no certificate", e);
        }
    }

    private static void checkCriticalExtensions(X509Certificate certificate) throws CertificateException {
        Set<String> critical = certificate.getCriticalExtensionOIDs();
        if (critical == null) {
            return;
        }
        Set<String> unknown = new HashSet<>(critical);
        unknown.removeAll(Set.of(EXTENSION_OID, BASIC_CONSTRAINTS, KEY_USAGE));
        if (!unknown.isEmpty()) {
            throw new CertificateException("certificate has critical extensions this endpoint does not understand: "
                    + unknown);
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= DIGITAL_SIGNATURE || !keyUsage[DIGITAL_SIGNATURE])) {
            throw new CertificateException("certificate key usage does not allow digital signatures");
        }
    }

    /**
     * Checks the certificate's signature by its own key. ECDSA with SHA-256, which libp2p implementations sign
     * with, goes through Peerflux's ECDSA, several times faster than the JDK 17's; anything else through the JDK.
     */
    private static void checkSelfSignature(X509Certificate certificate, SignedBody body) throws CertificateException {
        PublicKey ecdsa = ECDSA_WITH_SHA256.equals(certificate.getSigAlgOID())
                && ECDSA_WITH_SHA256.equals(body.signatureAlgorithm()) ? asEcdsaKey(body.subjectPublicKeyInfo()) : null;
        try {
            if (ecdsa == null) {
                certificate.verify(certificate.getPublicKey());
            } else if (!ecdsa.verify(certificate.getTBSCertificate(), certificate.getSignature())) {
                throw new CertificateException("signature does not verify");
            }
        } catch (GeneralSecurityException e) {
            throw new CertificateException("certificate self-signature invalid: " + e.getMessage(), e);
        }
    }

    /**
     * The certificate key as a libp2p ECDSA key, by way of the {@code PublicKey} protobuf ({@code Type} ECDSA,
     * {@code Data} the {@code SubjectPublicKeyInfo}); {@code null} for a key Peerflux does not read (which the JDK
     * then checks).
     */
    private static PublicKey asEcdsaKey(byte[] spki) {
        java.io.ByteArrayOutputStream protobuf = new java.io.ByteArrayOutputStream(spki.length + 5);
        protobuf.write(PROTOBUF_TYPE_FIELD);
        protobuf.write(KeyType.ECDSA.protobufNumber());
        protobuf.write(PROTOBUF_DATA_FIELD);
        for (int length = spki.length; ; length >>>= 7) { // varint
            if (length < 0x80) {
                protobuf.write(length);
                break;
            }
            protobuf.write(length & 0x7f | 0x80);
        }
        protobuf.writeBytes(spki);
        try {
            return PublicKey.unmarshal(protobuf.toByteArray());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Reads {@code SignedKey ::= SEQUENCE { publicKey OCTET STRING, signature OCTET STRING }}, strictly DER. */
    private static ASN1OctetString[] parseSignedKey(byte[] extensionValue) throws CertificateException {
        byte[] der;
        ASN1Primitive signedKey;
        try {
            if (!(ASN1Primitive.fromByteArray(extensionValue) instanceof ASN1OctetString value)) {
                throw new CertificateException("libp2p extension value is not an OCTET STRING");
            }
            der = value.getOctets();
            signedKey = ASN1Primitive.fromByteArray(der);
        } catch (IOException | RuntimeException e) { // BouncyCastle reports malformed input as either
            throw new CertificateException("malformed libp2p extension: " + e.getMessage(), e);
        }
        if (signedKey instanceof ASN1Sequence sequence && sequence.size() == 2
                && sequence.getObjectAt(0) instanceof ASN1OctetString publicKey
                && sequence.getObjectAt(1) instanceof ASN1OctetString signature
                && Arrays.equals(encodeDer(sequence), der)) {
            return new ASN1OctetString[] {publicKey, signature};
        }
        throw new CertificateException("libp2p extension is not a DER SignedKey");
    }

    private static byte[] encodeDer(ASN1Sequence sequence) throws CertificateException {
        try {
            return sequence.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new CertificateException("libp2p extension is not a DER SignedKey", e);
        }
    }

    /**
     * What the checks need from the signed certificate body, exactly as signed: the {@code SubjectPublicKeyInfo}
     * (not as the JDK would re-encode the key) and the signature algorithm. Read from the generic ASN.1 structure,
     * since BouncyCastle's {@code TBSCertificate} refuses an empty issuer.
     */
    private record SignedBody(byte[] subjectPublicKeyInfo, String signatureAlgorithm) {

        static SignedBody of(X509Certificate certificate) throws CertificateException {
            try {
                ASN1Sequence tbs = ASN1Sequence.getInstance(certificate.getTBSCertificate());
                // version [0] EXPLICIT (absent in v1), serialNumber, signature, issuer, validity, subject, spki, ...
                int skip = tbs.getObjectAt(0) instanceof ASN1TaggedObject ? 1 : 0;
                byte[] spki = tbs.getObjectAt(skip + SPKI_INDEX).toASN1Primitive().getEncoded(ASN1Encoding.DER);
                AlgorithmIdentifier signature = AlgorithmIdentifier.getInstance(tbs.getObjectAt(skip + SIGNATURE_INDEX));
                return new SignedBody(spki, signature.getAlgorithm().getId());
            } catch (IOException | RuntimeException e) { // BouncyCastle reports malformed input as either
                throw new CertificateException("unreadable certificate body: " + e.getMessage(), e);
            }
        }
    }

    private static DERSequence signedKey(byte[] publicKey, byte[] signature) {
        return new DERSequence(new DEROctetString[] {new DEROctetString(publicKey), new DEROctetString(signature)});
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] out = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }

    /** A DRBG seeded once, when first needed, so that later draws never read the OS entropy source. */
    static final class Randomness {
        static final SecureRandom DRBG = newDrbg();

        private Randomness() {
        }

        static SecureRandom newDrbg() {
            try {
                SecureRandom random = SecureRandom.getInstance("DRBG");
                random.nextBytes(new byte[1]);
                return random;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java 9+ platform provides a DRBG", e);
            }
        }
    }
}
