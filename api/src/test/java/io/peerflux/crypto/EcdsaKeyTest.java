package io.peerflux.crypto;

import static io.peerflux.crypto.SpecVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcdsaKeyTest {

    /** RFC 6979 appendix A.2.5: the P-256 key. */
    private static final BigInteger RFC6979_X = new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16);

    private static final byte[] DATA = "ecdsa".getBytes(StandardCharsets.US_ASCII);

    @Test
    void rfc6979PublicKey() {
        PublicKey publicKey = new EcdsaPrivateKey(EcCurve.P256, RFC6979_X).publicKey();

        assertThat(publicKey.raw()).isEqualTo(hex("3059301306072a8648ce3d020106082a8648ce3d03010703420004"
                + "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
                + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"));
    }

    /** RFC 6979 appendix A.2.5, P-256 with SHA-256: deterministic signatures, s as computed (no low-S). */
    @ParameterizedTest
    @CsvSource({
        "sample, EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716, F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
        "test, F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367, 019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083",
    })
    void rfc6979Signatures(String message, String r, String s) {
        PrivateKey key = new EcdsaPrivateKey(EcCurve.P256, RFC6979_X);
        byte[] data = message.getBytes(StandardCharsets.US_ASCII);
        byte[] expected = Der.encode(new DERSequence(new ASN1Integer[] {
            new ASN1Integer(new BigInteger(r, 16)), new ASN1Integer(new BigInteger(s, 16))}));

        assertThat(key.sign(data)).isEqualTo(expected);
        assertThat(key.publicKey().verify(data, expected)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, P256", "secp384r1, P384", "secp521r1, P521"})
    void agreesWithTheJdkImplementation(String jdkCurve, EcCurve curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(jdkCurve));
        KeyPair jdkPair = generator.generateKeyPair();
        PrivateKey key = new EcdsaPrivateKey(curve, ((ECPrivateKey) jdkPair.getPrivate()).getS());

        PublicKey fromJdkEncoding = PublicKey.unmarshal(KeyProtobuf.encode(KeyType.ECDSA, jdkPair.getPublic().getEncoded()));
        assertThat(fromJdkEncoding).isEqualTo(key.publicKey());
        assertThat(PrivateKey.unmarshal(key.marshal()).publicKey()).isEqualTo(key.publicKey());

        Signature jdkSigner = Signature.getInstance("SHA256withECDSA");
        jdkSigner.initSign(jdkPair.getPrivate());
        jdkSigner.update(DATA);
        assertThat(fromJdkEncoding.verify(DATA, jdkSigner.sign())).isTrue();

        Signature jdkVerifier = Signature.getInstance("SHA256withECDSA");
        jdkVerifier.initVerify(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.publicKey().raw())));
        jdkVerifier.update(DATA);
        assertThat(jdkVerifier.verify(key.sign(DATA))).isTrue();
    }

    @Test
    void generatesP256Keys() {
        PrivateKey key = PrivateKey.generateEcdsaP256();

        assertThat(key.type()).isEqualTo(KeyType.ECDSA);
        assertThat(key.publicKey().raw()).startsWith(hex("3059301306072a8648ce3d020106082a8648ce3d030107"));
        assertThat(key.publicKey().verify(DATA, key.sign(DATA))).isTrue();
    }

    @Test
    void rejectsCompressedPoints() {
        PublicKey valid = PublicKey.unmarshal(SpecVectors.ECDSA_PUBLIC);
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(valid.raw());
        byte[] compressed = EcCurve.P256.decodePoint(info.getPublicKeyData().getOctets()).getEncoded(true);
        byte[] data = Der.encode(new SubjectPublicKeyInfo(info.getAlgorithm(), compressed));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PublicKey.unmarshal(KeyProtobuf.encode(KeyType.ECDSA, data)))
                .withMessageContaining("canonical");
    }

    @Test
    void rejectsCurvesOtherThanTheNistOnes() {
        byte[] point = EcCurve.SECP256K1.domain.getG().getEncoded(false);
        byte[] data = Der.encode(new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, EcCurve.SECP256K1.oid), point));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PublicKey.unmarshal(KeyProtobuf.encode(KeyType.ECDSA, data)))
                .withMessageContaining("unsupported curve");
    }

    @Test
    void rejectsPointsOffTheCurve() {
        byte[] point = EcCurve.P256.domain.getG().getEncoded(false);
        point[point.length - 1] ^= 1;
        byte[] data = Der.encode(new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, EcCurve.P256.oid), point));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PublicKey.unmarshal(KeyProtobuf.encode(KeyType.ECDSA, data)))
                .withMessageStartingWith("invalid ECDSA public key");
    }

    @Test
    void rejectsPrivateKeysWithoutTheirPublicKey() {
        EcdsaPrivateKey key = new EcdsaPrivateKey(EcCurve.P256, RFC6979_X);
        byte[] withoutPublicKey = Der.encode(new org.bouncycastle.asn1.sec.ECPrivateKey(256, RFC6979_X, EcCurve.P256.oid));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ECDSA, withoutPublicKey)))
                .withMessageContaining("canonical");
        assertThat(PrivateKey.unmarshal(key.marshal()).marshal()).isEqualTo(key.marshal());
    }

    @Test
    void rejectsPrivateKeysWithAForeignPublicKey() {
        byte[] foreignPoint = EcCurve.P256.domain.getG().getEncoded(false);
        byte[] data = Der.encode(new org.bouncycastle.asn1.sec.ECPrivateKey(256, RFC6979_X,
                new DERBitString(foreignPoint), EcCurve.P256.oid));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ECDSA, data)))
                .withMessageContaining("canonical");
    }
}
