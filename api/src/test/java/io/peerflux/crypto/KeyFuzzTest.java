package io.peerflux.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

/**
 * Decoders under random and mutated input: every input is either rejected with an
 * {@link IllegalArgumentException} or accepted as a key whose encoding is exactly the input.
 */
class KeyFuzzTest {

    private static final byte[][] PUBLIC_VECTORS = {
        SpecVectors.RSA_PUBLIC, SpecVectors.ED25519_PUBLIC, SpecVectors.SECP256K1_PUBLIC, SpecVectors.ECDSA_PUBLIC};
    private static final byte[][] PRIVATE_VECTORS = {
        SpecVectors.RSA_PRIVATE, SpecVectors.ED25519_PRIVATE, SpecVectors.SECP256K1_PRIVATE, SpecVectors.ECDSA_PRIVATE};

    @Property
    void randomPublicKeyMessages(@ForAll @Size(max = 100) byte[] message) {
        checkPublic(message);
    }

    @Property
    void randomPrivateKeyMessages(@ForAll @Size(max = 100) byte[] message) {
        checkPrivate(message);
    }

    @Property
    void randomDataOfEachKeyType(@ForAll KeyType type, @ForAll @Size(max = 120) byte[] data) {
        byte[] message = KeyProtobuf.encode(type, data);
        checkPublic(message);
        checkPrivate(message);
    }

    @Property(tries = 3000)
    void mutatedPublicKeys(@ForAll("mutatedPublicVectors") byte[] message) {
        checkPublic(message);
    }

    @Property(tries = 3000)
    void mutatedPrivateKeys(@ForAll("mutatedPrivateVectors") byte[] message) {
        checkPrivate(message);
    }

    @Property
    void verifyingGarbageIsFalse(@ForAll("publicVectors") byte[] publicKey,
                                 @ForAll @Size(max = 600) byte[] data, @ForAll @Size(max = 600) byte[] signature) {
        assertThat(PublicKey.unmarshal(publicKey).verify(data, signature)).isFalse();
    }

    @Property
    void verifyingDerShapedGarbageIsFalse(@ForAll("ecPublicVectors") byte[] publicKey,
                                          @ForAll @Size(max = 3) List<BigInteger> integers,
                                          @ForAll boolean asOctetString) {
        ASN1Encodable[] elements = integers.stream()
                .map(value -> asOctetString
                        ? new DEROctetString(value.toByteArray())
                        : new ASN1Integer(value))
                .toArray(ASN1Encodable[]::new);
        byte[] signature = Der.encode(new DERSequence(elements));

        assertThat(PublicKey.unmarshal(publicKey).verify(new byte[] {1}, signature)).isFalse();
    }

    @Provide
    Arbitrary<byte[]> ecPublicVectors() {
        return Arbitraries.of(SpecVectors.SECP256K1_PUBLIC, SpecVectors.ECDSA_PUBLIC);
    }

    @Provide
    Arbitrary<byte[]> publicVectors() {
        return Arbitraries.of(PUBLIC_VECTORS);
    }

    @Provide
    Arbitrary<byte[]> mutatedPublicVectors() {
        return mutated(PUBLIC_VECTORS);
    }

    @Provide
    Arbitrary<byte[]> mutatedPrivateVectors() {
        return mutated(PRIVATE_VECTORS);
    }

    /** A vector with one to four bytes replaced, and sometimes cut short. */
    private static Arbitrary<byte[]> mutated(byte[][] vectors) {
        Arbitrary<int[]> edits = Arbitraries.integers().between(0, Integer.MAX_VALUE).array(int[].class).ofMinSize(2).ofMaxSize(8);
        return Combinators.combine(Arbitraries.of(vectors), edits, Arbitraries.integers().between(0, 4)).as((vector, edit, cut) -> {
            byte[] bytes = vector.clone();
            for (int i = 0; i + 1 < edit.length; i += 2) {
                bytes[edit[i] % bytes.length] = (byte) edit[i + 1];
            }
            return cut == 0 ? Arrays.copyOf(bytes, edit[0] % bytes.length) : bytes;
        });
    }

    private static void checkPublic(byte[] message) {
        PublicKey key;
        try {
            key = PublicKey.unmarshal(message);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(key.marshal()).isEqualTo(message);
    }

    private static void checkPrivate(byte[] message) {
        PrivateKey key;
        try {
            key = PrivateKey.unmarshal(message);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(key.marshal()).isEqualTo(message);
        byte[] data = {1, 2, 3};
        assertThat(key.publicKey().verify(data, key.sign(data))).isTrue();
    }
}
