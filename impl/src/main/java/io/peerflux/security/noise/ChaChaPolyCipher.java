package io.peerflux.security.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * ChaCha20-Poly1305 (RFC 8439) under one fixed key, as Noise's ChaChaPoly cipher functions use it: a 96-bit nonce
 * of 32 zero bits followed by the 64-bit little-endian counter, and a 16-byte tag appended to the ciphertext.
 *
 * <p>This is the seam for the AEAD implementation: {@link #create} uses the provider {@link ChaChaPolyProviders}
 * chose once for this JVM (the fastest present), without the Noise state machines knowing which. Instances are not
 * thread-safe; each belongs to one {@link CipherState}.
 */
interface ChaChaPolyCipher {

    int KEY_LENGTH = 32;
    int TAG_LENGTH = 16;

    /**
     * Encrypts the remaining bytes of {@code plaintext}, in order, as one message and puts ciphertext and tag into
     * {@code out}, which must have room for their total length plus {@link #TAG_LENGTH}.
     *
     * @param associatedData authenticated but not encrypted; {@code null} for none
     */
    void encrypt(long nonce, byte[] associatedData, ByteBuffer[] plaintext, ByteBuffer out)
            throws GeneralSecurityException;

    /**
     * Authenticates and decrypts the remaining bytes of {@code ciphertext} (tag included) into {@code out}. Throws
     * {@link javax.crypto.AEADBadTagException} when the tag does not match; {@code out} then holds no plaintext.
     *
     * @param associatedData authenticated but not encrypted; {@code null} for none
     */
    void decrypt(long nonce, byte[] associatedData, ByteBuffer ciphertext, ByteBuffer out)
            throws GeneralSecurityException;

    /**
     * {@code true} when this implementation copies a multi-part message into a buffer of its own before encrypting
     * it (Conscrypt does, on the heap), so that a caller holding several parts does better to gather them first.
     */
    boolean buffersParts();

    /** A cipher keyed with {@code key} (32 bytes) from the implementation chosen for this JVM. */
    static ChaChaPolyCipher create(byte[] key) {
        return new JcaChaChaPolyCipher(key, ChaChaPolyProviders.selected());
    }
}
