package io.peerflux.security.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.HandshakeException;
import java.security.SecureRandom;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both X25519 implementations against RFC 7748's vectors and against each other on arbitrary keys. */
class X25519Test {

    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @ValueSource(strings = {"BouncyCastle", "Conscrypt"})
    void rfc7748DiffieHellmanVector(String name) {
        X25519 x25519 = X25519.named(name);
        X25519.KeyPair alice = x25519.keyPair(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        X25519.KeyPair bob = x25519.keyPair(hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));

        assertThat(HEX.formatHex(alice.publicKey()))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(bob.publicKey()))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertThat(HEX.formatHex(alice.agree(bob.publicKey()))).isEqualTo(shared);
        assertThat(HEX.formatHex(bob.agree(alice.publicKey()))).isEqualTo(shared);
    }

    /** RFC 7748 section 5.2; the second u-coordinate has its top bit set, which must be ignored. */
    @ParameterizedTest
    @ValueSource(strings = {"BouncyCastle", "Conscrypt"})
    void rfc7748FunctionVectors(String name) {
        X25519 x25519 = X25519.named(name);
        assertThat(HEX.formatHex(x25519.keyPair(hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"))
                .agree(hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        assertThat(HEX.formatHex(x25519.keyPair(hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"))
                .agree(hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))))
                .isEqualTo("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    @ParameterizedTest
    @ValueSource(strings = {"BouncyCastle", "Conscrypt"})
    void keysOfSmallOrderAreRefused(String name) {
        X25519.KeyPair local = X25519.named(name).generate(new SecureRandom());
        byte[] one = new byte[32];
        one[0] = 1;
        for (byte[] smallOrder : new byte[][] {new byte[32], one}) {
            assertThatThrownBy(() -> local.agree(smallOrder)).isInstanceOf(HandshakeException.class)
                    .hasMessageContaining("small order");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"BouncyCastle", "Conscrypt"})
    void generatedPairsAgree(String name) {
        X25519 x25519 = X25519.named(name);
        SecureRandom random = new SecureRandom();
        X25519.KeyPair a = x25519.generate(random);
        X25519.KeyPair b = x25519.generate(random);
        assertThat(a.agree(b.publicKey())).isEqualTo(b.agree(a.publicKey())).isNotEqualTo(new byte[32]);
    }

    @Property(tries = 300)
    void bothImplementationsComputeTheSame(@ForAll @Size(32) byte[] privateKey, @ForAll @Size(32) byte[] remoteKey) {
        X25519.KeyPair bouncyCastle = X25519.named("BouncyCastle").keyPair(privateKey);
        X25519.KeyPair conscrypt = X25519.named("Conscrypt").keyPair(privateKey);
        assertThat(conscrypt.publicKey()).isEqualTo(bouncyCastle.publicKey());
        byte[] expected;
        try {
            expected = bouncyCastle.agree(remoteKey);
        } catch (HandshakeException smallOrder) {
            assertThatThrownBy(() -> conscrypt.agree(remoteKey)).isInstanceOf(HandshakeException.class);
            return;
        }
        assertThat(conscrypt.agree(remoteKey)).isEqualTo(expected);
    }

    @Test
    void conscryptIsChosenWhenItLoads() {
        assertThat(X25519.selected().name()).isEqualTo(System.getProperty(X25519.PROPERTY, "Conscrypt"));
    }

    @Test
    void anUnknownNameIsAnError() {
        assertThatThrownBy(() -> X25519.named("SunEC")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }
}
