package io.peerflux.security.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.HandshakeException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The XX state machine against the cacophony test vector for Noise_XX_25519_ChaChaPoly_SHA256
 * (haskell-cryptography/cacophony, vectors/cacophony.txt at 8ee9d41): fixed keys, prologue and payloads must produce
 * exactly the expected handshake messages, handshake hash and transport messages, with either X25519.
 */
class NoiseHandshakeTest {

    private static final HexFormat HEX = HexFormat.of();

    private static final byte[] PROLOGUE = hex("4a6f686e2047616c74");
    private static final byte[] INIT_STATIC = hex("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1");
    private static final byte[] INIT_EPHEMERAL = hex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
    private static final byte[] RESP_STATIC = hex("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893");
    private static final byte[] RESP_EPHEMERAL = hex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b");
    private static final byte[] HANDSHAKE_HASH = hex("c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e");
    /** {payload, ciphertext} in order; the sender alternates, starting with the initiator. */
    private static final String[][] MESSAGES = {
        {"4c756477696720766f6e204d69736573",
         "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
        {"4d757272617920526f746862617264",
         "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c9326ad"},
        {"462e20412e20486179656b",
         "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030"},
        {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
        {"4a65616e2d426170746973746520536179", "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
        {"457567656e2042f6686d20766f6e2042617765726b",
         "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"},
    };

    @ParameterizedTest
    @ValueSource(strings = {"BouncyCastle", "Conscrypt"})
    void cacophonyVector(String x25519Name) throws GeneralSecurityException {
        X25519 x25519 = X25519.named(x25519Name);
        NoiseHandshake initiator = new NoiseHandshake(true, PROLOGUE, x25519.keyPair(INIT_STATIC),
                x25519.keyPair(INIT_EPHEMERAL));
        NoiseHandshake responder = new NoiseHandshake(false, PROLOGUE, x25519.keyPair(RESP_STATIC),
                x25519.keyPair(RESP_EPHEMERAL));

        for (int i = 0; i < 3; i++) {
            NoiseHandshake sender = i % 2 == 0 ? initiator : responder;
            NoiseHandshake receiver = i % 2 == 0 ? responder : initiator;
            byte[] message = sender.writeMessage(hex(MESSAGES[i][0]));
            assertThat(HEX.formatHex(message)).as("handshake message %d", i).isEqualTo(MESSAGES[i][1]);
            assertThat(receiver.readMessage(message)).isEqualTo(hex(MESSAGES[i][0]));
        }
        assertThat(initiator.isComplete()).isTrue();
        assertThat(responder.isComplete()).isTrue();
        assertThat(initiator.handshakeHash()).isEqualTo(HANDSHAKE_HASH);
        assertThat(responder.handshakeHash()).isEqualTo(HANDSHAKE_HASH);
        assertThat(initiator.remoteStaticPublicKey()).isEqualTo(responder.localStaticPublicKey());
        assertThat(responder.remoteStaticPublicKey()).isEqualTo(initiator.localStaticPublicKey());

        NoiseHandshake.TransportCiphers initiatorCiphers = initiator.split();
        NoiseHandshake.TransportCiphers responderCiphers = responder.split();
        for (int i = 3; i < MESSAGES.length; i++) {
            boolean fromInitiator = i % 2 == 0;
            CipherState send = fromInitiator ? initiatorCiphers.send() : responderCiphers.send();
            CipherState receive = fromInitiator ? responderCiphers.receive() : initiatorCiphers.receive();
            byte[] ciphertext = send.encryptWithAd(null, hex(MESSAGES[i][0]));
            assertThat(HEX.formatHex(ciphertext)).as("transport message %d", i).isEqualTo(MESSAGES[i][1]);
            assertThat(receive.decryptWithAd(null, ciphertext)).isEqualTo(hex(MESSAGES[i][0]));
        }
    }

    @Test
    void tamperedMessageFailsAuthentication() {
        NoiseHandshake initiator = new NoiseHandshake(true, PROLOGUE, INIT_STATIC, INIT_EPHEMERAL);
        NoiseHandshake responder = new NoiseHandshake(false, PROLOGUE, RESP_STATIC, RESP_EPHEMERAL);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] second = responder.writeMessage(new byte[0]);
        second[40] ^= 1; // inside the encrypted static key

        assertThatThrownBy(() -> initiator.readMessage(second)).isInstanceOf(HandshakeException.class);
    }

    @Test
    void differentProloguesDoNotAgree() {
        NoiseHandshake initiator = new NoiseHandshake(true, PROLOGUE, INIT_STATIC, INIT_EPHEMERAL);
        NoiseHandshake responder = new NoiseHandshake(false, new byte[0], RESP_STATIC, RESP_EPHEMERAL);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] second = responder.writeMessage(new byte[0]);

        assertThatThrownBy(() -> initiator.readMessage(second)).isInstanceOf(HandshakeException.class);
    }

    @Test
    void shortMessagesAreRejected() {
        NoiseHandshake responder = new NoiseHandshake(false, new byte[0], RESP_STATIC, RESP_EPHEMERAL);
        assertThatThrownBy(() -> responder.readMessage(new byte[31])).isInstanceOf(HandshakeException.class);

        NoiseHandshake initiator = new NoiseHandshake(true, new byte[0], INIT_STATIC, INIT_EPHEMERAL);
        initiator.writeMessage(new byte[0]);
        assertThatThrownBy(() -> initiator.readMessage(new byte[32 + 48 + 15])).isInstanceOf(HandshakeException.class);
    }

    @Test
    void smallOrderEphemeralKeyIsRejected() {
        NoiseHandshake initiator = new NoiseHandshake(true, new byte[0], INIT_STATIC, INIT_EPHEMERAL);
        initiator.writeMessage(new byte[0]);
        byte[] second = new byte[32 + 48 + 16]; // e = 0, a point of small order: the ee secret is all zeros

        assertThatThrownBy(() -> initiator.readMessage(second)).isInstanceOf(HandshakeException.class)
                .hasMessageContaining("small order");
    }

    @Test
    void turnsAreEnforced() {
        NoiseHandshake initiator = new NoiseHandshake(true, new byte[0], INIT_STATIC, INIT_EPHEMERAL);
        assertThatThrownBy(() -> initiator.readMessage(new byte[32])).isInstanceOf(IllegalStateException.class);
        NoiseHandshake responder = new NoiseHandshake(false, new byte[0], RESP_STATIC, RESP_EPHEMERAL);
        assertThatThrownBy(() -> responder.writeMessage(new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(responder::split).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void oversizedPayloadIsRefused() {
        NoiseHandshake initiator = new NoiseHandshake(true, new byte[0], INIT_STATIC, INIT_EPHEMERAL);
        assertThatThrownBy(() -> initiator.writeMessage(new byte[NoiseHandshake.MAX_MESSAGE_LENGTH - 31]))
                .isInstanceOf(HandshakeException.class);
    }

    @Test
    void nonceExhaustionNeverReusesANonce() throws GeneralSecurityException {
        byte[] key = new byte[32];
        CipherState sender = new CipherState(key);
        CipherState receiver = new CipherState(key);
        sender.setNonce(-3L); // 2^64 - 3
        receiver.setNonce(-3L);

        for (int i = 0; i < 2; i++) { // nonces 2^64-3 and 2^64-2 are the last usable ones
            byte[] message = sender.encryptWithAd(null, new byte[] {(byte) i});
            assertThat(receiver.decryptWithAd(null, message)).containsExactly(i);
        }
        assertThatThrownBy(() -> sender.encryptWithAd(null, new byte[1])).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("exhausted");
        assertThatThrownBy(() -> receiver.decryptWithAd(null, new byte[17]))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("exhausted");
    }

    @Test
    void tamperedTransportMessageIsRejected() throws GeneralSecurityException {
        CipherState sender = new CipherState(new byte[32]);
        byte[] message = sender.encryptWithAd(null, new byte[] {1, 2, 3});
        for (int i = 0; i < message.length; i++) {
            byte[] tampered = message.clone();
            tampered[i] ^= 1;
            assertThatThrownBy(() -> new CipherState(new byte[32]).decryptWithAd(null, tampered))
                    .isInstanceOf(javax.crypto.AEADBadTagException.class);
        }
        assertThat(new CipherState(new byte[32]).decryptWithAd(null, message)).containsExactly(1, 2, 3);
    }

    @Test
    void plaintextInPartsEncryptsLikeOneBuffer() throws GeneralSecurityException {
        byte[] plaintext = new byte[1000];
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = (byte) (i * 7);
        }
        byte[] whole = new CipherState(new byte[32]).encryptWithAd(null, plaintext);
        ByteBuffer out = ByteBuffer.allocateDirect(plaintext.length + 16);
        new CipherState(new byte[32]).encrypt(null, new ByteBuffer[] {
            ByteBuffer.wrap(plaintext, 0, 12), ByteBuffer.allocateDirect(0),
            ByteBuffer.allocateDirect(988).put(plaintext, 12, 988).flip()}, out);
        byte[] parts = new byte[out.flip().remaining()];
        out.get(parts);

        assertThat(parts).isEqualTo(whole);
    }

    private static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }
}
