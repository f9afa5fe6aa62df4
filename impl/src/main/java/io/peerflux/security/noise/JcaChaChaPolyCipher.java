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
 * AEAD buffers whatever {@code update} is given, so only several parts pay for that copy. Short messages go to
 * {@link ShortMessageCipher} where it is available.
 */
final class JcaChaChaPolyCipher implements ChaChaPolyCipher {

    private static final String TRANSFORMATION = "ChaCha20-Poly1305";
    private static final int NONCE_LENGTH = 12;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] nonceBytes = new byte[NONCE_LENGTH];
    private final ByteBuffer empty = ByteBuffer.allocate(0);
    private final boolean buffersParts;
    private final ShortMessageCipher shortMessages;

    JcaChaChaPolyCipher(byte[] key, Provider provider) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaChaPoly key must be " + KEY_LENGTH + " bytes");
        }
        this.key = new SecretKeySpec(key, "ChaCha20");
        this.buffersParts = provider.getName().equals(ChaChaPolyProviders.CONSCRYPT);
        this.cipher = cipherOf(provider);
        Provider shortProvider = ShortMessageCipher.provider();
        this.shortMessages = shortProvider == null ? null
                : new ShortMessageCipher(shortProvider == provider ? cipher : cipherOf(shortProvider));
    }

    private static Cipher cipherOf(Provider provider) {
        try {
            return Cipher.getInstance(TRANSFORMATION, provider);
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
        if (shortMessages != null) {
            int length = 0;
            for (ByteBuffer part : plaintext) {
                length += part.remaining();
            }
            if (length <= ShortMessageCipher.MAX_MESSAGE) {
                shortMessages.encrypt(key, nonce(nonce), associatedData, plaintext, length, out);
                return;
            }
        }
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
        if (shortMessages != null && ciphertext.remaining() <= ShortMessageCipher.MAX_MESSAGE + TAG_LENGTH) {
            shortMessages.decrypt(key, nonce(nonce), associatedData, ciphertext, out);
            return;
        }
        init(Cipher.DECRYPT_MODE, nonce, associatedData);
        cipher.doFinal(ciphertext, out);
    }

    private void init(int mode, long nonce, byte[] associatedData) throws GeneralSecurityException {
        cipher.init(mode, key, nonce(nonce));
        if (associatedData != null && associatedData.length > 0) {
            cipher.updateAAD(associatedData);
        }
    }

    /** Noise's 96-bit nonce: 32 zero bits, then the counter little-endian. */
    private IvParameterSpec nonce(long counter) {
        for (int i = 0; i < Long.BYTES; i++) {
            nonceBytes[4 + i] = (byte) (counter >>> (8 * i));
        }
        return new IvParameterSpec(nonceBytes);
    }
}
