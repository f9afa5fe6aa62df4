package io.peerflux.security.noise;

import io.peerflux.HandshakeException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * X25519 (RFC 7748), Noise's DH function, from the fastest implementation present, chosen once per JVM: Conscrypt's
 * (BoringSSL) when its optional jar loads, else BouncyCastle's. Measured here per agreement: Conscrypt 2.9 33 µs,
 * BouncyCastle 1.86 85 µs, the JDK's XDH 146 µs; a Noise XX handshake makes three agreements and one key pair on
 * each side, which made them the largest cost of connection setup. The system property {@value #PROPERTY}
 * ({@code BouncyCastle} or {@code Conscrypt}) overrides the choice, for benchmarks.
 */
abstract sealed class X25519 {

    /** System property that overrides the choice: {@code BouncyCastle} or {@code Conscrypt}. */
    static final String PROPERTY = "peerflux.x25519.provider";
    static final String BOUNCY_CASTLE = "BouncyCastle";
    static final int KEY_LENGTH = 32;

    private static final Logger log = LoggerFactory.getLogger(X25519.class);
    private static final X25519 SELECTED = select();

    /** A local key pair; immutable, so one may serve concurrent handshakes. */
    interface KeyPair {

        byte[] publicKey();

        /**
         * The shared secret with {@code remotePublicKey} (32 bytes, any value). A key of small order yields an
         * all-zero secret; Noise allows refusing it, and we do (the libp2p identity signature would fail anyway).
         *
         * @throws HandshakeException for a key of small order
         */
        byte[] agree(byte[] remotePublicKey);
    }

    /** The implementation chosen for this JVM. */
    static X25519 selected() {
        return SELECTED;
    }

    /** The implementation called {@code name} ({@code BouncyCastle} or {@code Conscrypt}), or an exception why not. */
    static X25519 named(String name) {
        if (BOUNCY_CASTLE.equalsIgnoreCase(name)) {
            return new BouncyCastle();
        }
        if (ConscryptProvider.NAME.equalsIgnoreCase(name)) {
            return new Conscrypt(ConscryptProvider.required());
        }
        throw new IllegalArgumentException(PROPERTY + " must be " + BOUNCY_CASTLE + " or " + ConscryptProvider.NAME
                + ": " + name);
    }

    /** A fresh key pair. */
    abstract KeyPair generate(SecureRandom random);

    /** The key pair of a 32-byte private key. */
    abstract KeyPair keyPair(byte[] privateKey);

    abstract String name();

    private static X25519 select() {
        String override = System.getProperty(PROPERTY);
        X25519 x25519;
        if (override != null) {
            x25519 = named(override);
        } else {
            Provider conscrypt = ConscryptProvider.orNull();
            x25519 = conscrypt != null ? new Conscrypt(conscrypt) : new BouncyCastle();
        }
        log.debug("X25519 from {}", x25519.name());
        return x25519;
    }

    private static HandshakeException smallOrder(Exception cause) {
        return HandshakeException.invalid("remote X25519 key is of small order", cause);
    }

    private static final class BouncyCastle extends X25519 {

        @Override
        KeyPair generate(SecureRandom random) {
            return new BcKeyPair(new X25519PrivateKeyParameters(random));
        }

        @Override
        KeyPair keyPair(byte[] privateKey) {
            return new BcKeyPair(new X25519PrivateKeyParameters(privateKey, 0));
        }

        @Override
        String name() {
            return BOUNCY_CASTLE;
        }

        private record BcKeyPair(X25519PrivateKeyParameters privateKey, byte[] publicKey) implements KeyPair {

            BcKeyPair(X25519PrivateKeyParameters privateKey) {
                this(privateKey, privateKey.generatePublicKey().getEncoded());
            }

            @Override
            public byte[] publicKey() {
                return publicKey.clone();
            }

            @Override
            public byte[] agree(byte[] remotePublicKey) {
                byte[] secret = new byte[KEY_LENGTH];
                try {
                    privateKey.generateSecret(new X25519PublicKeyParameters(remotePublicKey, 0), secret, 0);
                } catch (IllegalStateException e) {
                    throw smallOrder(e);
                }
                return secret;
            }
        }
    }

    /** Through the JCA's XDH names; raw keys travel in the fixed DER wrappings of RFC 8410. */
    private static final class Conscrypt extends X25519 {

        private static final String ALGORITHM = "XDH";
        /** SubjectPublicKeyInfo for id-X25519 up to the 32-byte key. */
        private static final byte[] PUBLIC_PREFIX = HexFormat.of().parseHex("302a300506032b656e032100");
        /** PKCS#8 PrivateKeyInfo for id-X25519 up to the 32-byte key. */
        private static final byte[] PRIVATE_PREFIX = HexFormat.of().parseHex("302e020100300506032b656e04220420");

        private final Provider provider;

        Conscrypt(Provider provider) {
            this.provider = provider;
        }

        @Override
        KeyPair generate(SecureRandom random) {
            try {
                // BoringSSL draws the key from its own generator, seeded by the OS without blocking.
                java.security.KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM, provider).generateKeyPair();
                byte[] encoded = pair.getPublic().getEncoded();
                return new JcaKeyPair(pair.getPrivate(), Arrays.copyOfRange(encoded, PUBLIC_PREFIX.length,
                        encoded.length));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Conscrypt cannot generate an X25519 key pair", e);
            }
        }

        @Override
        KeyPair keyPair(byte[] privateKey) {
            if (privateKey.length != KEY_LENGTH) {
                throw new IllegalArgumentException("expected a " + KEY_LENGTH + "-byte key, got " + privateKey.length);
            }
            try {
                PrivateKey key = KeyFactory.getInstance(ALGORITHM, provider)
                        .generatePrivate(new PKCS8EncodedKeySpec(concat(PRIVATE_PREFIX, privateKey)));
                byte[] basePoint = new byte[KEY_LENGTH];
                basePoint[0] = 9;
                return new JcaKeyPair(key, agree(key, basePoint));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Conscrypt rejected an X25519 private key", e);
            }
        }

        @Override
        String name() {
            return ConscryptProvider.NAME;
        }

        private byte[] agree(PrivateKey privateKey, byte[] remotePublicKey) throws GeneralSecurityException {
            if (remotePublicKey.length != KEY_LENGTH) {
                throw new IllegalArgumentException("expected a " + KEY_LENGTH + "-byte key, got "
                        + remotePublicKey.length);
            }
            KeyAgreement agreement = KeyAgreement.getInstance(ALGORITHM, provider);
            agreement.init(privateKey);
            agreement.doPhase(KeyFactory.getInstance(ALGORITHM, provider)
                    .generatePublic(new X509EncodedKeySpec(concat(PUBLIC_PREFIX, remotePublicKey))), true);
            return agreement.generateSecret();
        }

        private static byte[] concat(byte[] prefix, byte[] key) {
            byte[] out = Arrays.copyOf(prefix, prefix.length + key.length);
            System.arraycopy(key, 0, out, prefix.length, key.length);
            return out;
        }

        private final class JcaKeyPair implements KeyPair {

            private final PrivateKey privateKey;
            private final byte[] publicKey;

            JcaKeyPair(PrivateKey privateKey, byte[] publicKey) {
                this.privateKey = privateKey;
                this.publicKey = publicKey;
            }

            @Override
            public byte[] publicKey() {
                return publicKey.clone();
            }

            @Override
            public byte[] agree(byte[] remotePublicKey) {
                try {
                    return Conscrypt.this.agree(privateKey, remotePublicKey);
                } catch (GeneralSecurityException e) {
                    // BoringSSL's X25519 fails only on an all-zero result, that is a key of small order.
                    throw smallOrder(e);
                }
            }
        }
    }
}
