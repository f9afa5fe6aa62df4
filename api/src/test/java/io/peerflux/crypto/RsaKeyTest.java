package io.peerflux.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RsaKeyTest {

    private static final byte[] DATA = "rsa".getBytes(StandardCharsets.US_ASCII);
    private static final AlgorithmIdentifier RSA_ENCRYPTION =
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);

    private static KeyPair jdkPair;

    @BeforeAll
    static void generateJdkKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        jdkPair = generator.generateKeyPair();
    }

    private static byte[] pkcs1(RSAPrivateCrtKey k) {
        return Der.encode(new RSAPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()));
    }

    private static byte[] pkix(BigInteger modulus, BigInteger exponent) {
        return Der.encode(new SubjectPublicKeyInfo(RSA_ENCRYPTION, Der.encode(new RSAPublicKey(modulus, exponent))));
    }

    private static byte[] publicKeyMessage(byte[] pkix) {
        return KeyProtobuf.encode(KeyType.RSA, pkix);
    }

    @Test
    void signaturesMatchTheJdkByteForByte() throws Exception {
        PrivateKey key = PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.RSA, pkcs1((RSAPrivateCrtKey) jdkPair.getPrivate())));
        Signature jdkSigner = Signature.getInstance("SHA256withRSA");
        jdkSigner.initSign(jdkPair.getPrivate());
        jdkSigner.update(DATA);
        byte[] jdkSignature = jdkSigner.sign();

        assertThat(key.sign(DATA)).as("PKCS #1 v1.5 signatures are deterministic").isEqualTo(jdkSignature);
        PublicKey fromJdkEncoding = PublicKey.unmarshal(publicKeyMessage(jdkPair.getPublic().getEncoded()));
        assertThat(fromJdkEncoding).isEqualTo(key.publicKey());
        assertThat(fromJdkEncoding.verify(DATA, jdkSignature)).isTrue();
    }

    @Test
    void theSpecVectorKeySignsWhatTheJdkVerifies() throws Exception {
        PrivateKey key = PrivateKey.unmarshal(SpecVectors.RSA_PRIVATE);
        byte[] signature = key.sign(DATA);

        Signature jdkVerifier = Signature.getInstance("SHA256withRSA");
        jdkVerifier.initVerify(KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(key.publicKey().raw())));
        jdkVerifier.update(DATA);
        assertThat(jdkVerifier.verify(signature)).isTrue();
        assertThat(signature).hasSize(512);
    }

    @Test
    void wrongSignaturesAreFalseNotErrors() {
        PrivateKey key = PrivateKey.unmarshal(SpecVectors.RSA_PRIVATE);
        PublicKey publicKey = key.publicKey();
        byte[] signature = key.sign(DATA);
        assertThat(publicKey.verify(DATA, signature)).isTrue();

        byte[] flipped = signature.clone();
        flipped[100] ^= 1;
        assertThat(publicKey.verify(DATA, flipped)).isFalse();
        assertThat(publicKey.verify(DATA, Arrays.copyOf(signature, 511))).isFalse();
        assertThat(publicKey.verify(DATA, Arrays.copyOf(signature, 513))).isFalse();
        byte[] aboveModulus = new byte[512];
        Arrays.fill(aboveModulus, (byte) 0xff);
        assertThat(publicKey.verify(DATA, aboveModulus)).isFalse();
        assertThat(publicKey.verify(DATA, new byte[512])).isFalse();
    }

    @Test
    void rejectsKeysUnder2048Bits() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair weak = generator.generateKeyPair();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PublicKey.unmarshal(publicKeyMessage(weak.getPublic().getEncoded())))
                .withMessageContaining("1024 bits");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.RSA, pkcs1((RSAPrivateCrtKey) weak.getPrivate()))))
                .withMessageContaining("1024 bits");
    }

    @Test
    void rejectsModuliOver8192Bits() {
        BigInteger modulus = new BigInteger(8193, new Random(1)).setBit(8192).setBit(0);
        byte[] message = publicKeyMessage(pkix(modulus, BigInteger.valueOf(65537)));
        assertThat(message.length).isLessThan(KeyProtobuf.MAX_SIZE);

        assertThatIllegalArgumentException().isThrownBy(() -> PublicKey.unmarshal(message)).withMessageContaining("8193 bits");
    }

    @Test
    void rejectsUnusableExponents() {
        BigInteger modulus = ((RSAPrivateCrtKey) jdkPair.getPrivate()).getModulus();
        for (long exponent : new long[] {1, 2, 65536, 1L << 31 | 1}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> PublicKey.unmarshal(publicKeyMessage(pkix(modulus, BigInteger.valueOf(exponent)))))
                    .withMessageContaining("exponent");
        }
        assertThat(PublicKey.unmarshal(publicKeyMessage(pkix(modulus, BigInteger.valueOf(3))))).isNotNull();
    }

    @Test
    void rejectsAlgorithmIdentifiersWithoutNullParameters() {
        RSAPrivateCrtKey jdkKey = (RSAPrivateCrtKey) jdkPair.getPrivate();
        byte[] withoutNull = Der.encode(new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption),
                Der.encode(new RSAPublicKey(jdkKey.getModulus(), jdkKey.getPublicExponent()))));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PublicKey.unmarshal(publicKeyMessage(withoutNull)))
                .withMessageContaining("rsaEncryption");
    }

    @Test
    void rejectsPrivateKeysWithInconsistentCrtValues() {
        RSAPrivateCrtKey k = (RSAPrivateCrtKey) jdkPair.getPrivate();
        byte[] wrongDp = Der.encode(new RSAPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP().add(BigInteger.TWO), k.getPrimeExponentQ(), k.getCrtCoefficient()));
        byte[] swappedPrimes = Der.encode(new RSAPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                k.getPrimeQ(), k.getPrimeP(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()));

        for (byte[] data : new byte[][] {wrongDp, swappedPrimes}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.RSA, data)))
                    .withMessageContaining("inconsistent");
        }
    }
}
