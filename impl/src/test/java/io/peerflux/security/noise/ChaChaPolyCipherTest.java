package io.peerflux.security.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.Provider;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both providers {@link ChaChaPolyProviders} may choose, checked against BouncyCastle's independent ChaCha20-Poly1305
 * with Noise's nonce layout, through every mix of heap and direct buffers the Noise codecs hand over. As in Noise,
 * each direction has its own cipher: both providers refuse to initialise one cipher twice with a key and nonce.
 * Lengths on both sides of {@link ShortMessageCipher#MAX_MESSAGE} take both paths where Conscrypt loads.
 */
class ChaChaPolyCipherTest {

    private static final byte[] KEY = bytes(32, 1);
    private static final byte[] AD = bytes(13, 2);

    @ParameterizedTest
    @ValueSource(strings = {"SunJCE", "Conscrypt"})
    void matchesBouncyCastleForEveryBufferKind(String provider) throws Exception {
        ChaChaPolyCipher sender = new JcaChaChaPolyCipher(KEY, ChaChaPolyProviders.named(provider));
        ChaChaPolyCipher receiver = new JcaChaChaPolyCipher(KEY, ChaChaPolyProviders.named(provider));
        long nonce = 0x0102030405060708L;
        for (int length : new int[] {0, 1, 64, ShortMessageCipher.MAX_MESSAGE, ShortMessageCipher.MAX_MESSAGE + 1,
                65519}) {
            byte[] plaintext = bytes(length, length);
            byte[] expected = reference(nonce, plaintext);
            for (boolean directIn : new boolean[] {false, true}) {
                for (boolean directOut : new boolean[] {false, true}) {
                    ByteBuffer out = allocate(expected.length, directOut);
                    sender.encrypt(nonce, AD, new ByteBuffer[] {copyOf(plaintext, directIn)}, out);
                    assertThat(out.position()).isEqualTo(expected.length);
                    assertThat(contents(out.flip())).as("%d bytes", length).isEqualTo(expected);

                    ByteBuffer back = allocate(length, directOut);
                    receiver.decrypt(nonce, AD, copyOf(expected, directIn), back);
                    assertThat(contents(back.flip())).isEqualTo(plaintext);
                    nonce++;
                    expected = reference(nonce, plaintext);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SunJCE", "Conscrypt"})
    void encryptsSeveralPartsAsOneMessage(String provider) throws Exception {
        ChaChaPolyCipher cipher = new JcaChaChaPolyCipher(KEY, ChaChaPolyProviders.named(provider));
        for (int length : new int[] {600, 3000}) {
            byte[] plaintext = bytes(length, 7);
            ByteBuffer[] parts = {copyOf(Arrays.copyOfRange(plaintext, 0, 500), true),
                    copyOf(Arrays.copyOfRange(plaintext, 500, 501), false),
                    copyOf(Arrays.copyOfRange(plaintext, 501, length), true)};
            ByteBuffer out = allocate(plaintext.length + ChaChaPolyCipher.TAG_LENGTH, true);
            cipher.encrypt(length, null, parts, out);
            assertThat(contents(out.flip())).isEqualTo(reference(length, null, plaintext));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SunJCE", "Conscrypt"})
    void rejectsAFlippedBitAndWritesNoPlaintext(String provider) throws Exception {
        for (int length : new int[] {500, 5000}) {
            byte[] message = reference(9, bytes(length, 3));
            for (int bit : new int[] {0, 8 * 250 + 3, 8 * message.length - 1}) {
                byte[] tampered = message.clone();
                tampered[bit / 8] ^= (byte) (1 << (bit % 8));
                ByteBuffer out = allocate(length, true);
                ChaChaPolyCipher cipher = new JcaChaChaPolyCipher(KEY, ChaChaPolyProviders.named(provider));
                assertThatThrownBy(() -> cipher.decrypt(9, AD, copyOf(tampered, true), out))
                        .isInstanceOf(AEADBadTagException.class);
                assertThat(out.position()).isZero();
            }
        }
    }

    @Test
    void anUnknownProviderNameIsAnError() {
        assertThatThrownBy(() -> ChaChaPolyProviders.named("BC")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyConscryptAsksForOnePart() {
        assertThat(new JcaChaChaPolyCipher(KEY, ChaChaPolyProviders.named(ChaChaPolyProviders.SUN_JCE))
                .buffersParts()).isFalse();
        assertThat(new JcaChaChaPolyCipher(KEY, ChaChaPolyProviders.named(ChaChaPolyProviders.CONSCRYPT))
                .buffersParts()).isTrue();
    }

    @Test
    void theChoiceIsOneOfBoth() {
        Provider selected = ChaChaPolyProviders.selected();
        assertThat(selected.getName()).isIn(ChaChaPolyProviders.SUN_JCE, ChaChaPolyProviders.CONSCRYPT);
        String override = System.getProperty(ChaChaPolyProviders.PROPERTY);
        if (override != null) {
            assertThat(selected.getName()).isEqualToIgnoringCase(override);
        }
    }

    private static byte[] reference(long nonce, byte[] plaintext) {
        return reference(nonce, AD, plaintext);
    }

    /** BouncyCastle's ChaCha20-Poly1305 with Noise's nonce: 4 zero bytes, then the counter little-endian. */
    private static byte[] reference(long nonce, byte[] ad, byte[] plaintext) {
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (nonce >>> (8 * i));
        }
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(true, new AEADParameters(new KeyParameter(KEY), 128, iv, ad));
        byte[] out = new byte[aead.getOutputSize(plaintext.length)];
        int written = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            aead.doFinal(out, written);
        } catch (org.bouncycastle.crypto.InvalidCipherTextException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static ByteBuffer allocate(int capacity, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    private static ByteBuffer copyOf(byte[] bytes, boolean direct) {
        return allocate(bytes.length, direct).put(bytes).flip();
    }

    private static byte[] contents(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static byte[] bytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
