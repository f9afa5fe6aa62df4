package io.peerflux.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import java.lang.reflect.Proxy;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The libp2p certificate: the spec's test vectors, our own certificates, and every way to be invalid. */
class Libp2pCertificateTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final PrivateKey HOST = PrivateKey.generateEd25519();

    /** tls.md test vector 1. */
    static final String VECTOR1 =
            "308201ae30820156a0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c6962703270"
            + "2e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a30"
            + "2031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a86"
            + "48ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
            + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea37c307a3078060a2b0601040183a25a0101046a306804240801"
            + "1220a77f1d92fedb59dddaea5a1c4abd1ac2fbde7d7b879ed364501809923d7c11b90440d90d2769db992d5e6195dbb08e70"
            + "6b6651e024fda6cfb8846694a435519941cac215a8207792e42849cccc6cd8136c6e4bde92a58c5e08cfd4206eb5fe0bf909"
            + "300a06082a8648ce3d0403020346003043021f50f6b6c52711a881778718238f650c9fb48943ae6ee6d28427dc6071ae55e7"
            + "02203625f116a7a454db9c56986c82a25682f7248ea1cb764d322ea983ed36a31b77";

    /** tls.md test vector 2. */
    static final String VECTOR2 =
            "308201f63082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c6962703270"
            + "2e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a30"
            + "2031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a86"
            + "48ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
            + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b0601040183a25a01010481ad3081"
            + "aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f0"
            + "93a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f20447"
            + "30450220064ea8124774caf8f50e57f436aa62350ce652418c019df5d98a3ac666c9386a022100aa59d704a931b5f72fb922"
            + "2cb6cc51f954d04a4e2e5450f8805fe8918f71eaae300a06082a8648ce3d04030203470030440220799395b0b6c1e940a7e4"
            + "484705f610ab51ed376f19ff9d7c16757cfbf61b8d4302206205c03fbb0f95205c779be86581d3e31c01871ad5d1f3435bcf"
            + "375cb0e5088a";

    /** tls.md test vector 3. */
    static final String VECTOR3 =
            "308201ba3082015fa0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c6962703270"
            + "2e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a30"
            + "2031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a86"
            + "48ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
            + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea38184308181307f060a2b0601040183a25a01010471306f0425"
            + "080212210206dc6968726765b820f050263ececf7f71e4955892776c0970542efd689d2382044630440220145e15a991961f"
            + "0d08cd15425bb95ec93f6ffa03c5a385eedc34ecf464c7a8ab022026b3109b8a3f40ef833169777eb2aa337cfb6282f188de"
            + "0666d1bcec2a4690dd300a06082a8648ce3d0403020349003046022100e1a217eeef9ec9204b3f774a08b70849646b6a1e6b"
            + "8b27f93dc00ed58545d9fe022100b00dafa549d0f03547878338c7b15e7502888f6d45db387e5ae6b5d46899cef0";

    /** tls.md test vector 4. */
    static final String VECTOR4 =
            "308201f73082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c6962703270"
            + "2e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a30"
            + "2031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a86"
            + "48ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
            + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b0601040183a25a01010481ad3081"
            + "aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f0"
            + "93a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f20447"
            + "3045022100bb6e03577b7cc7a3cd1558df0da2b117dfdcc0399bc2504ebe7de6f65cade72802206de96e2a5be9b6202adba2"
            + "4ee0362e490641ac45c240db71fe955f2c5cf8df6e300a06082a8648ce3d0403020348003045022100e847f267f43717358f"
            + "850355bdcabbefb2cfbf8a3c043b203a14788a092fe8db022027c1d04a2d41fd6b57a7e8b3989e470325de4406e52e084e34"
            + "a3fd56eef0d0df";

    @ParameterizedTest
    @CsvSource({
            "1, 12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv",
            "2, QmfXbAwNjJLXfesgztEHe8HwgVDCMMpZ9Eax1HYq6hn9uE",
            "3, 16Uiu2HAkutTMoTzDw1tCvSRtu6YoixJwS46S1ZFxW8hSx9fWHiPs"})
    void specVectorsAuthenticateTheirPeer(int vector, String peerId) throws Exception {
        X509Certificate certificate = vector(vector);
        assertThat(Libp2pCertificate.verify(new X509Certificate[] {certificate})).isEqualTo(PeerId.parse(peerId));
    }

    @Test
    void specVectorsCoverEd25519EcdsaAndSecp256k1() throws Exception {
        assertThat(List.of(1, 2, 3)).extracting(i -> Libp2pCertificate.verifyHostKey(
                        new X509Certificate[] {vector(i)}).type().name())
                .containsExactly("ED25519", "ECDSA", "SECP256K1");
    }

    @Test
    void specInvalidVectorIsRejected() throws Exception {
        assertRejected(vector(4), "does not cover the certificate key");
    }

    private static X509Certificate vector(int number) throws CertificateException {
        String hex = switch (number) {
            case 1 -> VECTOR1;
            case 2 -> VECTOR2;
            case 3 -> VECTOR3;
            default -> VECTOR4;
        };
        return CertificateForge.parse(HEX.parseHex(hex));
    }

    // ---- our own certificates ----

    @Test
    void generatedCertificatesAuthenticateEveryKeyType() throws Exception {
        for (PrivateKey host : List.of(PrivateKey.generateEd25519(), PrivateKey.generateSecp256k1(),
                PrivateKey.generateEcdsaP256())) {
            Libp2pCertificate generated = Libp2pCertificate.generate(host);
            X509Certificate[] chain = {generated.certificate()};
            assertThat(Libp2pCertificate.verify(chain)).isEqualTo(PeerId.fromPublicKey(host.publicKey()));
            assertThat(Libp2pCertificate.verifyHostKey(chain)).isEqualTo(host.publicKey());
        }
    }

    @Test
    void generatedCertificateIsSelfSignedP256WithOnlyTheCriticalLibp2pExtension() throws Exception {
        Instant before = Instant.now();
        X509Certificate certificate = Libp2pCertificate.generate(HOST).certificate();

        assertThat(certificate.getVersion()).isEqualTo(3);
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getCriticalExtensionOIDs()).containsExactly(Libp2pCertificate.EXTENSION_OID);
        assertThat(certificate.getNonCriticalExtensionOIDs()).isNullOrEmpty();
        assertThat(certificate.getSerialNumber()).isPositive();
        assertThat(certificate.getNotBefore().toInstant())
                .isBetween(before.minus(Duration.ofMinutes(61)), before.minus(Duration.ofMinutes(59)));
        assertThat(certificate.getNotAfter().toInstant()).isAfter(before.plus(Duration.ofDays(99 * 365)));
    }

    @Test
    void generatedCertificatesDifferInKeyAndSerial() {
        Libp2pCertificate first = Libp2pCertificate.generate(HOST);
        Libp2pCertificate second = Libp2pCertificate.generate(HOST);
        assertThat(first.certificate().getPublicKey()).isNotEqualTo(second.certificate().getPublicKey());
        assertThat(first.certificate().getSerialNumber()).isNotEqualTo(second.certificate().getSerialNumber());
        assertThat(first.certificateKey()).isNotEqualTo(second.certificateKey());
    }

    @Test
    void expiredAndNotYetValidCertificatesAreRejected() {
        Instant longAgo = Instant.now().minus(Duration.ofDays(101 * 365));
        assertRejected(Libp2pCertificate.generate(HOST, Libp2pCertificate.Randomness.DRBG, longAgo).certificate(),
                "not valid now");
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        assertRejected(Libp2pCertificate.generate(HOST, Libp2pCertificate.Randomness.DRBG, tomorrow).certificate(),
                "not valid now");
    }

    @Test
    void chainsOfOtherThanOneCertificateAreRejected() {
        X509Certificate certificate = Libp2pCertificate.generate(HOST).certificate();
        assertThatThrownBy(() -> Libp2pCertificate.verify(new X509Certificate[] {certificate, certificate}))
                .isInstanceOf(CertificateException.class).hasMessageContaining("exactly one certificate, got 2");
        assertThatThrownBy(() -> Libp2pCertificate.verify(new X509Certificate[0]))
                .isInstanceOf(CertificateException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> Libp2pCertificate.verify(null))
                .isInstanceOf(CertificateException.class).hasMessageContaining("got 0");
    }

    @Test
    void remoteHostKeyPrefersTheRecordedKeyAndElseVerifiesThePeerCertificates() throws Exception {
        PublicKey recorded = PrivateKey.generateEd25519().publicKey();
        X509Certificate certificate = Libp2pCertificate.generate(HOST).certificate();
        assertThat(Libp2pCertificate.remoteHostKey(session(recorded, certificate))).isEqualTo(recorded);
        assertThat(Libp2pCertificate.remoteHostKey(session(null, certificate))).isEqualTo(HOST.publicKey());
        assertThatThrownBy(() -> Libp2pCertificate.remoteHostKey(session(null, CertificateForge.plain().build())))
                .isInstanceOf(CertificateException.class).hasMessageContaining("lacks the libp2p");
        assertThatThrownBy(() -> Libp2pCertificate.remoteHostKey(session(null)))
                .isInstanceOf(CertificateException.class).hasMessageContaining("no certificate");
    }

    /** A session holding {@code recorded} as the trust manager's verdict and {@code peer} as peer certificates. */
    private static SSLSession session(PublicKey recorded, X509Certificate... peer) {
        return (SSLSession) Proxy.newProxyInstance(SSLSession.class.getClassLoader(), new Class<?>[] {SSLSession.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getValue" -> Libp2pTrustManager.REMOTE_HOST_KEY.equals(args[0]) ? recorded : null;
                    case "getPeerCertificates" -> {
                        if (peer.length == 0) {
                            throw new SSLPeerUnverifiedException("none");
                        }
                        yield peer;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    // ---- forged certificates ----

    @Test
    void honestForgeIsAccepted() throws Exception {
        // Guards the tests below: the forge, left alone, makes a certificate that passes.
        assertThat(Libp2pCertificate.verify(new X509Certificate[] {CertificateForge.libp2p(HOST).build()}))
                .isEqualTo(PeerId.fromPublicKey(HOST.publicKey()));
    }

    @Test
    void missingExtensionIsRejected() {
        assertRejected(CertificateForge.plain().build(), "lacks the libp2p public key extension");
    }

    @Test
    void signatureOverAnotherCertificateKeyIsRejected() {
        byte[] otherKey = CertificateForge.newKeyPair().getPublic().getEncoded();
        assertRejected(CertificateForge.plain().signedKey(HOST, otherKey).build(),
                "does not cover the certificate key");
    }

    @Test
    void signatureByAnotherHostKeyIsRejected() throws Exception {
        CertificateForge forge = CertificateForge.plain();
        PrivateKey signer = PrivateKey.generateEd25519();
        byte[] signature = signer.sign(CertificateForge.concat("libp2p-tls-handshake:".getBytes(), spkiOf(forge)));
        forge.extension(CertificateForge.EXTENSION_OID, true, new DERSequence(new ASN1Encodable[] {
                new DEROctetString(HOST.publicKey().marshal()), new DEROctetString(signature)}));
        assertRejected(forge.build(), "does not cover the certificate key");
    }

    @Test
    void brokenSelfSignatureIsRejected() {
        KeyPair stranger = CertificateForge.newKeyPair();
        assertRejected(CertificateForge.libp2p(HOST).signedBy(stranger).build(), "self-signature invalid");
    }

    @Test
    void selfSignaturesOtherThanEcdsaWithSha256AreCheckedByTheJdk() throws Exception {
        X509Certificate sha384 = CertificateForge.libp2p(HOST).signatureAlgorithm("SHA384withECDSA").build();
        assertThat(sha384.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(Libp2pCertificate.verify(new X509Certificate[] {sha384}))
                .isEqualTo(PeerId.fromPublicKey(HOST.publicKey()));
        assertRejected(CertificateForge.libp2p(HOST).signatureAlgorithm("SHA384withECDSA")
                .signedBy(CertificateForge.newKeyPair()).build(), "self-signature invalid");
    }

    @Test
    void unknownCriticalExtensionIsRejectedButUnknownNonCriticalIgnored() throws Exception {
        assertRejected(CertificateForge.libp2p(HOST)
                .extension("1.2.3.4.5", true, new DERUTF8String("must understand")).build(),
                "critical extensions this endpoint does not understand: [1.2.3.4.5]");
        X509Certificate tolerated = CertificateForge.libp2p(HOST)
                .extension("1.2.3.4.5", false, new DERUTF8String("may ignore")).build();
        assertThat(Libp2pCertificate.verify(new X509Certificate[] {tolerated}))
                .isEqualTo(PeerId.fromPublicKey(HOST.publicKey()));
    }

    @Test
    void criticalBasicConstraintsAndKeyUsageAreUnderstood() throws Exception {
        X509Certificate certificate = CertificateForge.libp2p(HOST)
                .extension("2.5.29.19", true, new BasicConstraints(false))
                .extension("2.5.29.15", true, new KeyUsage(KeyUsage.digitalSignature))
                .build();
        assertThat(Libp2pCertificate.verify(new X509Certificate[] {certificate}))
                .isEqualTo(PeerId.fromPublicKey(HOST.publicKey()));
        assertRejected(CertificateForge.libp2p(HOST)
                .extension("2.5.29.15", true, new KeyUsage(KeyUsage.keyEncipherment)).build(),
                "key usage does not allow digital signatures");
    }

    @Test
    void malformedExtensionsAreRejected() {
        byte[] key = HOST.publicKey().marshal();
        assertRejected(forgeWith(new DEROctetString(key)), "not a DER SignedKey");
        assertRejected(forgeWith(new DERSequence(new DEROctetString(key))), "not a DER SignedKey");
        assertRejected(forgeWith(new DERSequence(new ASN1Encodable[] {new DEROctetString(key),
                new DEROctetString(new byte[64]), new DEROctetString(new byte[1])})), "not a DER SignedKey");
        assertRejected(forgeWith(new DERSequence(new ASN1Encodable[] {new DEROctetString(key),
                new DERBitString(new byte[64])})), "not a DER SignedKey");
        assertRejected(forgeWith(new DERSequence(new ASN1Encodable[] {new ASN1Integer(1),
                new DEROctetString(new byte[64])})), "not a DER SignedKey");
        assertRejected(forgeWith(new DERSequence(new ASN1Encodable[] {new DEROctetString(new byte[] {8, 1}),
                new DEROctetString(new byte[64])})), "unusable host key");
        assertRejected(CertificateForge.plain().rawExtension(CertificateForge.EXTENSION_OID, true, new byte[0])
                .build(), "not a DER SignedKey");
        assertRejected(CertificateForge.plain().rawExtension(CertificateForge.EXTENSION_OID, true,
                new byte[] {0x30, 0x05, 0x04}).build(), "malformed libp2p extension");
    }

    @Test
    void berInsteadOfDerIsRejected() throws Exception {
        // The honest SignedKey with a long-form length where DER demands the short form.
        CertificateForge forge = CertificateForge.plain();
        byte[] spki = spkiOf(forge);
        byte[] signature = HOST.sign(CertificateForge.concat("libp2p-tls-handshake:".getBytes(), spki));
        byte[] content = new DERSequence(new ASN1Encodable[] {new DEROctetString(HOST.publicKey().marshal()),
                new DEROctetString(signature)}).getEncoded("DER");
        byte[] body = java.util.Arrays.copyOfRange(content, 2, content.length);
        byte[] ber = CertificateForge.concat(new byte[] {0x30, (byte) 0x81, (byte) body.length}, body);
        assertRejected(forge.rawExtension(CertificateForge.EXTENSION_OID, true, ber).build(),
                "not a DER SignedKey");
    }

    /** Whatever the extension holds, verification ends in a {@link CertificateException}. */
    @Property(tries = 200)
    void randomExtensionValuesAreRejected(@ForAll @Size(max = 200) byte[] value) {
        assertRejected(CertificateForge.plain().rawExtension(CertificateForge.EXTENSION_OID, false, value).build(),
                "");
    }

    /** A certificate with any byte changed either no longer parses or no longer verifies, with a typed error. */
    @Property(tries = 300)
    void corruptedCertificatesAreRejected(@ForAll @IntRange(min = 0, max = 10_000) int where,
                                          @ForAll @IntRange(min = 1, max = 255) int flip) throws Exception {
        byte[] der = GENERATED.certificate().getEncoded();
        der[where % der.length] ^= (byte) flip;
        X509Certificate corrupted;
        try {
            corrupted = CertificateForge.parse(der);
        } catch (CertificateException unparseable) {
            return;
        }
        try {
            PublicKey key = Libp2pCertificate.verifyHostKey(new X509Certificate[] {corrupted});
            // Only a change the signatures do not cover may pass: it must not change who is authenticated.
            assertThat(key).isEqualTo(HOST.publicKey());
        } catch (CertificateException expected) {
            // typed rejection
        }
    }

    private static final Libp2pCertificate GENERATED = Libp2pCertificate.generate(HOST);

    private static X509Certificate forgeWith(ASN1Encodable signedKey) {
        return CertificateForge.plain().extension(CertificateForge.EXTENSION_OID, true, signedKey).build();
    }

    private static byte[] spkiOf(CertificateForge forge) {
        return forge.certificateKey.getPublic().getEncoded();
    }

    static void assertRejected(X509Certificate certificate, String reason) {
        assertThatThrownBy(() -> Libp2pCertificate.verify(new X509Certificate[] {certificate}))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining(reason);
    }
}
