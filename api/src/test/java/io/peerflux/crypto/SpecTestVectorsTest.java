package io.peerflux.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The peer-ids spec's test vectors: each private key must produce the given public key. */
class SpecTestVectorsTest {

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of(KeyType.RSA, SpecVectors.RSA_PRIVATE, SpecVectors.RSA_PUBLIC),
                Arguments.of(KeyType.ED25519, SpecVectors.ED25519_PRIVATE, SpecVectors.ED25519_PUBLIC),
                Arguments.of(KeyType.SECP256K1, SpecVectors.SECP256K1_PRIVATE, SpecVectors.SECP256K1_PUBLIC),
                Arguments.of(KeyType.ECDSA, SpecVectors.ECDSA_PRIVATE, SpecVectors.ECDSA_PUBLIC));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void privateKeyProducesTheGivenPublicKey(KeyType type, byte[] privateKey, byte[] publicKey) {
        PrivateKey key = PrivateKey.unmarshal(privateKey);

        assertThat(key.type()).isEqualTo(type);
        assertThat(key.publicKey().type()).isEqualTo(type);
        assertThat(key.publicKey().marshal()).isEqualTo(publicKey);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void bothKeysMarshalBackToTheVectorBytes(KeyType type, byte[] privateKey, byte[] publicKey) {
        assertThat(PrivateKey.unmarshal(privateKey).marshal()).isEqualTo(privateKey);
        PublicKey decoded = PublicKey.unmarshal(publicKey);
        assertThat(decoded.marshal()).isEqualTo(publicKey);
        assertThat(decoded).isEqualTo(PrivateKey.unmarshal(privateKey).publicKey())
                .hasSameHashCodeAs(PrivateKey.unmarshal(privateKey).publicKey());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void rawIsTheDataField(KeyType type, byte[] privateKey, byte[] publicKey) {
        PublicKey decoded = PublicKey.unmarshal(publicKey);
        byte[] raw = decoded.raw();
        assertThat(KeyProtobuf.encode(type, raw)).isEqualTo(publicKey);
        raw[0] ^= 1;
        assertThat(decoded.raw()).as("raw() hands out a copy").isNotEqualTo(raw);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void signaturesVerifyWithTheDecodedPublicKey(KeyType type, byte[] privateKey, byte[] publicKey) {
        byte[] data = "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = PrivateKey.unmarshal(privateKey).sign(data);
        PublicKey verifier = PublicKey.unmarshal(publicKey);

        assertThat(verifier.verify(data, signature)).isTrue();
        byte[] otherData = data.clone();
        otherData[0] ^= 1;
        assertThat(verifier.verify(otherData, signature)).isFalse();
    }
}
