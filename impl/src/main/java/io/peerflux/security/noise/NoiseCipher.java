package io.peerflux.security.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * The ChaCha20-Poly1305 that Noise transport messages are encrypted with, from the same provider and called the same
 * way, for programs that hold Peerflux against a bare encrypted pipe (the ceiling benchmarks). Not a protocol API:
 * Noise keeps its own keys and nonces. Not thread-safe.
 */
public final class NoiseCipher {

    /** Bytes the tag adds to each message. */
    public static final int TAG_LENGTH = ChaChaPolyCipher.TAG_LENGTH;

    private final ChaChaPolyCipher cipher;
    private final ByteBuffer[] single = new ByteBuffer[1];

    private NoiseCipher(ChaChaPolyCipher cipher) {
        this.cipher = cipher;
    }

    /** A cipher keyed with {@code key} (32 bytes). */
    public static NoiseCipher create(byte[] key) {
        return new NoiseCipher(ChaChaPolyCipher.create(Objects.requireNonNull(key, "key")));
    }

    /** The security provider Noise uses in this JVM ({@code SunJCE} or {@code Conscrypt}). */
    public static String providerName() {
        return ChaChaPolyProviders.selected().getName();
    }

    /** Encrypts the remaining bytes of {@code plaintext} into {@code out}: ciphertext, then the tag. */
    public void encrypt(long nonce, ByteBuffer plaintext, ByteBuffer out) throws GeneralSecurityException {
        single[0] = plaintext;
        try {
            cipher.encrypt(nonce, null, single, out);
        } finally {
            single[0] = null;
        }
    }

    /** Checks and decrypts the remaining bytes of {@code ciphertext} (tag included) into {@code out}. */
    public void decrypt(long nonce, ByteBuffer ciphertext, ByteBuffer out) throws GeneralSecurityException {
        cipher.decrypt(nonce, null, ciphertext, out);
    }
}
