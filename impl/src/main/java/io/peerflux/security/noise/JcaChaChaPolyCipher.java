package io.peerflux.security.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link ChaChaPolyCipher} on {@code javax.crypto}, from the provider {@link ChaChaPolyProviders} chose (SunJCE or
 * Conscrypt). One {@link Cipher} is re-initialised per message (both providers refuse a second initialisation with
 * the same key and nonce, which Noise never asks for), and data moves through the {@code ByteBuffer} API so that
 * direct buffers reach native code without copies. A single-part message goes to one {@code doFinal}: Conscrypt's
 * AEAD buffers whatever {@code update} is given, so only several parts pay for that copy.
 */
final class JcaChaChaPolyCipher implements ChaChaPolyCipher {

    private static final String TRANSFORMATION = "ChaCha20-Poly1305";
    private static final int NONCE_LENGTH = 12;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] nonceBytes = new byte[NONCE_LENGTH];
    private final ByteBuffer empty = ByteBuffer.allocate(0);
    private final boolean buffersParts;

    JcaChaChaPolyCipher(byte[] key, Provider provider) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaChaPoly key must be " + KEY_LENGTH + " bytes");
        }
        this.key = new SecretKeySpec(key, "ChaCha20");
        this.buffersParts = provider.getName().equals(ChaChaPolyProviders.CONSCRYPT);
        try {
            this.cipher = Cipher.getInstance(TRANSFORMATION, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(provider.getName() + " has no " + TRANSFORMATION, e);
        }
    }

    /** Conscrypt's AEAD buffers every {@code update} on the heap; SunJCE encrypts parts as they come. */
    @Override
    public boolean buffersParts() {
        return buffersParts;
    }

    @Override
    public void encrypt(long nonce, byte[] associatedData, ByteBuffer[] plaintext, ByteBuffer out)
            throws GeneralSecurityException {
        init(Cipher.ENCRYPT_MODE, nonce, associatedData);
        int last = plaintext.length - 1;
        for (int i = 0; i < last; i++) {
            cipher.update(plaintext[i], out);
        }
        cipher.doFinal(last < 0 ? empty : plaintext[last], out);
    }

    @Override
    public void decrypt(long nonce, byte[] associatedData, ByteBuffer ciphertext, ByteBuffer out)
            throws GeneralSecurityException {
        init(Cipher.DECRYPT_MODE, nonce, associatedData);
        cipher.doFinal(ciphertext, out);
    }

    private void init(int mode, long nonce, byte[] associatedData) throws GeneralSecurityException {
        for (int i = 0; i < Long.BYTES; i++) {
            nonceBytes[4 + i] = (byte) (nonce >>> (8 * i));
        }
        cipher.init(mode, key, new IvParameterSpec(nonceBytes));
        if (associatedData != null && associatedData.length > 0) {
            cipher.updateAAD(associatedData);
        }
    }
}
