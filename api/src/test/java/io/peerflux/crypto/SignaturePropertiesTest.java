package io.peerflux.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Sign/verify round trips for every key type, and that any change to data or signature is caught. */
class SignaturePropertiesTest {

    private static final PrivateKey[] KEYS = {
        PrivateKey.generateEd25519(),
        PrivateKey.generateSecp256k1(),
        PrivateKey.generateEcdsaP256(),
        PrivateKey.unmarshal(SpecVectors.RSA_PRIVATE),
    };

    @Provide
    Arbitrary<PrivateKey> keys() {
        return Arbitraries.of(KEYS);
    }

    @Property(tries = 300)
    void signaturesVerify(@ForAll("keys") PrivateKey key, @ForAll @Size(max = 2000) byte[] data) {
        assertThat(key.publicKey().verify(data, key.sign(data))).isTrue();
    }

    @Property(tries = 300)
    void changedDataFails(@ForAll("keys") PrivateKey key, @ForAll @Size(min = 1, max = 200) byte[] data,
                          @ForAll @IntRange(min = 0, max = 1599) int bit) {
        byte[] signature = key.sign(data);
        data[bit / 8 % data.length] ^= (byte) (1 << bit % 8);
        assertThat(key.publicKey().verify(data, signature)).isFalse();
    }

    @Property(tries = 300)
    void changedSignatureFails(@ForAll("keys") PrivateKey key, @ForAll @Size(max = 200) byte[] data,
                               @ForAll @IntRange(min = 0, max = 4095) int bit) {
        byte[] signature = key.sign(data);
        signature[bit / 8 % signature.length] ^= (byte) (1 << bit % 8);
        assertThat(key.publicKey().verify(data, signature)).isFalse();
    }

    @Property(tries = 50)
    void signaturesDoNotVerifyUnderAnotherKey(@ForAll("keys") PrivateKey signer, @ForAll("keys") PrivateKey other,
                                              @ForAll @Size(max = 100) byte[] data) {
        if (signer.publicKey().equals(other.publicKey())) {
            return;
        }
        assertThat(other.publicKey().verify(data, signer.sign(data))).isFalse();
    }
}
