package io.peerflux.security.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * A Noise CipherState (Noise Protocol Framework rev 34, section 5.1): a ChaChaPoly key and the 64-bit nonce that
 * counts the messages sent (or received) under it. The nonce 2<sup>64</sup>-1 is reserved, so after
 * 2<sup>64</sup>-2 messages every further call fails instead of reusing a nonce. Not thread-safe: one direction of
 * one connection, on its event loop.
 */
final class CipherState {

    static final int TAG_LENGTH = ChaChaPolyCipher.TAG_LENGTH;
    /** 2<sup>64</sup>-1 as an unsigned long. */
    private static final long RESERVED_NONCE = -1L;

    private final ChaChaPolyCipher cipher;
    private long nonce;

    CipherState(byte[] key) {
        this.cipher = ChaChaPolyCipher.create(key);
    }

    /** Noise's EncryptWithAd on arrays, for handshake payloads. */
    byte[] encryptWithAd(byte[] associatedData, byte[] plaintext) throws GeneralSecurityException {
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        encrypt(associatedData, new ByteBuffer[] {ByteBuffer.wrap(plaintext)}, ByteBuffer.wrap(out));
        return out;
    }

    /** Noise's DecryptWithAd on arrays, for handshake payloads. */
    byte[] decryptWithAd(byte[] associatedData, byte[] ciphertext) throws GeneralSecurityException {
        if (ciphertext.length < TAG_LENGTH) {
            throw new GeneralSecurityException("ciphertext shorter than its tag");
        }
        byte[] out = new byte[ciphertext.length - TAG_LENGTH];
        decrypt(associatedData, ByteBuffer.wrap(ciphertext), ByteBuffer.wrap(out));
        return out;
    }

    /** Encrypts the remaining bytes of {@code plaintext} as one message into {@code out} (ciphertext, then tag). */
    void encrypt(byte[] associatedData, ByteBuffer[] plaintext, ByteBuffer out) throws GeneralSecurityException {
        cipher.encrypt(usableNonce(), associatedData, plaintext, out);
        nonce++;
    }

    /**
     * Decrypts one message (the remaining bytes of {@code ciphertext}, tag included) into {@code out}. On a bad tag
     * the nonce is not advanced, as the spec requires, but the state is spent: JDK ciphers refuse a second use of a
     * key and nonce, and the session ends anyway.
     */
    void decrypt(byte[] associatedData, ByteBuffer ciphertext, ByteBuffer out) throws GeneralSecurityException {
        cipher.decrypt(usableNonce(), associatedData, ciphertext, out);
        nonce++;
    }

    /** Whether a message in several parts is better gathered into one first: see {@link ChaChaPolyCipher}. */
    boolean buffersParts() {
        return cipher.buffersParts();
    }

    /** Noise's SetNonce. */
    void setNonce(long nonce) {
        this.nonce = nonce;
    }

    private long usableNonce() throws GeneralSecurityException {
        if (nonce == RESERVED_NONCE) {
            throw new GeneralSecurityException("Noise nonce exhausted");
        }
        return nonce;
    }
}
