package io.peerflux.crypto;

import static io.peerflux.crypto.SpecVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Ed25519KeyTest {

    /** DER prefixes that turn raw Ed25519 keys into the PKIX / PKCS #8 forms the JDK reads (RFC 8410). */
    private static final String JDK_PUBLIC_PREFIX = "302a300506032b6570032100";
    private static final String JDK_PRIVATE_PREFIX = "302e020100300506032b657004220420";

    private static PrivateKey fromSecret(String secret, String publicKey) {
        return PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, hex(secret + publicKey)));
    }

    /** RFC 8032 section 7.1, TEST 1 and TEST 2. */
    @ParameterizedTest
    @CsvSource({
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60, "
                + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '', "
                + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb, "
                + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72, "
                + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    })
    void rfc8032Vectors(String secret, String publicKey, String message, String signature) {
        PrivateKey key = fromSecret(secret, publicKey);

        assertThat(key.publicKey().raw()).isEqualTo(hex(publicKey));
        assertThat(key.sign(hex(message))).isEqualTo(hex(signature));
        assertThat(key.publicKey().verify(hex(message), hex(signature))).isTrue();
    }

    @Test
    void agreesWithTheJdkImplementation() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        byte[] secret = Arrays.copyOf(Arrays.copyOfRange(key.marshal(), 4, 36), 32);
        byte[] data = "agree".getBytes(StandardCharsets.US_ASCII);
        KeyFactory factory = KeyFactory.getInstance("Ed25519");

        Signature jdkSigner = Signature.getInstance("Ed25519");
        jdkSigner.initSign(factory.generatePrivate(new PKCS8EncodedKeySpec(hex(JDK_PRIVATE_PREFIX + hexOf(secret)))));
        jdkSigner.update(data);
        assertThat(key.sign(data)).as("Ed25519 signatures are deterministic").isEqualTo(jdkSigner.sign());

        Signature jdkVerifier = Signature.getInstance("Ed25519");
        jdkVerifier.initVerify(factory.generatePublic(new X509EncodedKeySpec(hex(JDK_PUBLIC_PREFIX + hexOf(key.publicKey().raw())))));
        jdkVerifier.update(data);
        assertThat(jdkVerifier.verify(key.sign(data))).isTrue();
    }

    @Test
    void readsTheLegacy96ByteFormAndWritesThe64ByteForm() {
        byte[] data = Arrays.copyOfRange(SpecVectors.ED25519_PRIVATE, 4, 68);
        byte[] legacy = new byte[96];
        System.arraycopy(data, 0, legacy, 0, 64);
        System.arraycopy(data, 32, legacy, 64, 32);

        PrivateKey key = PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, legacy));

        assertThat(key.marshal()).isEqualTo(SpecVectors.ED25519_PRIVATE);
    }

    @Test
    void rejectsALegacyFormWhosePublicKeysDiffer() {
        byte[] legacy = Arrays.copyOf(Arrays.copyOfRange(SpecVectors.ED25519_PRIVATE, 4, 68), 96);
        System.arraycopy(legacy, 32, legacy, 64, 32);
        legacy[95] ^= 1;

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, legacy)))
                .withMessageContaining("legacy");
    }

    @Test
    void rejectsAPublicHalfThatDoesNotBelongToTheSecret() {
        byte[] data = Arrays.copyOfRange(SpecVectors.ED25519_PRIVATE, 4, 68);
        data[40] ^= 1;

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, data)))
                .withMessageContaining("does not belong");
    }

    @Test
    void rejectsWrongLengths() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, new byte[32])))
                .withMessageContaining("64");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PublicKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, new byte[33])))
                .withMessageContaining("32");
    }

    @Test
    void rejectsBytesThatAreNoCurvePoint() {
        byte[] notAPoint = new byte[32];
        notAPoint[0] = 2; // y = 2 has no x on edwards25519

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PublicKey.unmarshal(KeyProtobuf.encode(KeyType.ED25519, notAPoint)))
                .withMessageStartingWith("invalid ED25519 public key");
    }

    @Test
    void signaturesOfTheWrongLengthAreFalseNotErrors() {
        PrivateKey key = PrivateKey.generateEd25519();
        byte[] signature = key.sign(new byte[0]);

        assertThat(key.publicKey().verify(new byte[0], Arrays.copyOf(signature, 63))).isFalse();
        assertThat(key.publicKey().verify(new byte[0], Arrays.copyOf(signature, 65))).isFalse();
        assertThat(key.publicKey().verify(new byte[0], new byte[0])).isFalse();
    }

    @Test
    void generatedKeysAreDistinct() {
        assertThat(PrivateKey.generateEd25519().publicKey()).isNotEqualTo(PrivateKey.generateEd25519().publicKey());
    }

    static String hexOf(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
