package io.peerflux.security.noise;

import io.peerflux.HandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise_XX_25519_ChaChaPoly_SHA256 handshake with no I/O: the SymmetricState and HandshakeState of the Noise
 * Protocol Framework (rev 34, section 5) specialised to the XX pattern:
 *
 * <pre>
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 *
 * Each side alternates {@link #writeMessage} and {@link #readMessage} (the initiator writes first) and, once
 * {@link #isComplete()}, calls {@link #split()} for the two transport {@link CipherState}s. Payloads are opaque here.
 * Any malformed or unauthentic message fails with {@link HandshakeException}, after which the instance is unusable.
 * Not thread-safe.
 */
final class NoiseHandshake {

    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    static final int DH_LENGTH = 32;
    /** Noise's bound on every message, handshake or transport. */
    static final int MAX_MESSAGE_LENGTH = 65535;
    private static final int ENCRYPTED_KEY_LENGTH = DH_LENGTH + CipherState.TAG_LENGTH;
    private static final int MESSAGES = 3;

    private final boolean initiator;
    private final X25519.KeyPair localStatic;
    private final X25519.KeyPair localEphemeral;
    private final byte[] localStaticPublic;
    private final byte[] localEphemeralPublic;
    private final MessageDigest sha256;
    private final Mac hmac;

    private byte[] chainingKey;
    private byte[] hash;
    /** {@code null} until the first MixKey: payloads travel in clear (and are still hashed) before that. */
    private CipherState cipher;
    private byte[] remoteEphemeral;
    private byte[] remoteStatic;
    private int nextMessage;

    /**
     * @param prologue data both sides must agree on (libp2p uses none)
     * @param staticPrivateKey this side's static X25519 private key (32 bytes)
     * @param ephemeralPrivateKey this side's ephemeral X25519 private key (32 bytes), fresh for every handshake
     */
    NoiseHandshake(boolean initiator, byte[] prologue, byte[] staticPrivateKey, byte[] ephemeralPrivateKey) {
        this(initiator, prologue, X25519.selected().keyPair(staticPrivateKey),
                X25519.selected().keyPair(ephemeralPrivateKey));
    }

    /**
     * As above, with key pairs: the static one may serve many handshakes, the ephemeral one must be fresh for each.
     */
    NoiseHandshake(boolean initiator, byte[] prologue, X25519.KeyPair staticKey, X25519.KeyPair ephemeralKey) {
        this.initiator = initiator;
        this.localStatic = staticKey;
        this.localEphemeral = ephemeralKey;
        this.localStaticPublic = staticKey.publicKey();
        this.localEphemeralPublic = ephemeralKey.publicKey();
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
            this.hmac = Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256 and HmacSHA256", e);
        }
        // InitializeSymmetric: the name is exactly as long as a SHA-256 hash, so it is used as is.
        this.hash = PROTOCOL_NAME.getBytes(StandardCharsets.US_ASCII);
        this.chainingKey = hash;
        mixHash(prologue);
    }

    boolean isComplete() {
        return nextMessage == MESSAGES;
    }

    /** This side's static public key, which the libp2p payload signs. */
    byte[] localStaticPublicKey() {
        return localStaticPublic.clone();
    }

    /** The remote's static public key, known once its {@code s} token was read. */
    byte[] remoteStaticPublicKey() {
        if (remoteStatic == null) {
            throw new IllegalStateException("remote static key not received yet");
        }
        return remoteStatic.clone();
    }

    /** The handshake hash h, which binds the whole transcript. */
    byte[] handshakeHash() {
        return hash.clone();
    }

    /**
     * Writes the next handshake message, carrying {@code payload}.
     *
     * @throws HandshakeException if the message would exceed {@link #MAX_MESSAGE_LENGTH}
     * @throws IllegalStateException if it is the remote's turn
     */
    byte[] writeMessage(byte[] payload) {
        checkTurn(true);
        byte[] message;
        switch (nextMessage) {
            case 0 -> { // -> e
                mixHash(localEphemeralPublic);
                message = concat(localEphemeralPublic, encryptAndHash(payload));
            }
            case 1 -> { // <- e, ee, s, es
                mixHash(localEphemeralPublic);
                mixKey(localEphemeral.agree(remoteEphemeral));
                byte[] s = encryptAndHash(localStaticPublic);
                mixKey(localStatic.agree(remoteEphemeral));
                message = concat(localEphemeralPublic, s, encryptAndHash(payload));
            }
            default -> { // -> s, se
                byte[] s = encryptAndHash(localStaticPublic);
                mixKey(localStatic.agree(remoteEphemeral));
                message = concat(s, encryptAndHash(payload));
            }
        }
        if (message.length > MAX_MESSAGE_LENGTH) {
            throw HandshakeException.invalid("handshake message of " + message.length + " bytes exceeds "
                    + MAX_MESSAGE_LENGTH);
        }
        nextMessage++;
        return message;
    }

    /**
     * Reads the remote's next handshake message and returns its decrypted payload.
     *
     * @throws HandshakeException if the message is too short, does not authenticate, or carries an unusable key
     * @throws IllegalStateException if it is this side's turn to write
     */
    byte[] readMessage(byte[] message) {
        checkTurn(false);
        byte[] payload;
        switch (nextMessage) {
            case 0 -> { // -> e
                requireLength(message, DH_LENGTH);
                remoteEphemeral = Arrays.copyOfRange(message, 0, DH_LENGTH);
                mixHash(remoteEphemeral);
                payload = decryptAndHash(Arrays.copyOfRange(message, DH_LENGTH, message.length));
            }
            case 1 -> { // <- e, ee, s, es
                requireLength(message, DH_LENGTH + ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH);
                remoteEphemeral = Arrays.copyOfRange(message, 0, DH_LENGTH);
                mixHash(remoteEphemeral);
                mixKey(localEphemeral.agree(remoteEphemeral));
                remoteStatic = decryptAndHash(Arrays.copyOfRange(message, DH_LENGTH, DH_LENGTH + ENCRYPTED_KEY_LENGTH));
                mixKey(localEphemeral.agree(remoteStatic));
                payload = decryptAndHash(Arrays.copyOfRange(message, DH_LENGTH + ENCRYPTED_KEY_LENGTH, message.length));
            }
            default -> { // -> s, se
                requireLength(message, ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH);
                remoteStatic = decryptAndHash(Arrays.copyOfRange(message, 0, ENCRYPTED_KEY_LENGTH));
                mixKey(localEphemeral.agree(remoteStatic));
                payload = decryptAndHash(Arrays.copyOfRange(message, ENCRYPTED_KEY_LENGTH, message.length));
            }
        }
        nextMessage++;
        return payload;
    }

    /** Noise's Split: the cipher for what this side sends, and the one for what it receives. */
    TransportCiphers split() {
        if (!isComplete()) {
            throw new IllegalStateException("handshake not complete");
        }
        byte[][] keys = hkdf(chainingKey, new byte[0]);
        CipherState initiatorToResponder = new CipherState(keys[0]);
        CipherState responderToInitiator = new CipherState(keys[1]);
        return initiator
                ? new TransportCiphers(initiatorToResponder, responderToInitiator)
                : new TransportCiphers(responderToInitiator, initiatorToResponder);
    }

    /** The two directions of a finished handshake. */
    record TransportCiphers(CipherState send, CipherState receive) {
    }

    private void checkTurn(boolean writing) {
        if (isComplete()) {
            throw new IllegalStateException("handshake already complete");
        }
        boolean initiatorsTurn = nextMessage % 2 == 0;
        if (writing != (initiatorsTurn == initiator)) {
            throw new IllegalStateException(writing ? "not this side's turn to write" : "not the remote's turn");
        }
    }

    private static void requireLength(byte[] message, int minimum) {
        if (message.length < minimum) {
            throw HandshakeException.invalid("handshake message of " + message.length + " bytes, expected at least "
                    + minimum);
        }
    }

    private void mixHash(byte[] data) {
        sha256.update(hash);
        sha256.update(data);
        hash = sha256.digest();
    }

    private void mixKey(byte[] inputKeyMaterial) {
        byte[][] keys = hkdf(chainingKey, inputKeyMaterial);
        chainingKey = keys[0];
        cipher = new CipherState(keys[1]);
    }

    private byte[] encryptAndHash(byte[] plaintext) {
        byte[] ciphertext;
        try {
            ciphertext = cipher == null ? plaintext : cipher.encryptWithAd(hash, plaintext);
        } catch (GeneralSecurityException e) {
            throw HandshakeException.invalid("cannot encrypt handshake payload", e);
        }
        mixHash(ciphertext);
        return ciphertext;
    }

    private byte[] decryptAndHash(byte[] ciphertext) {
        byte[] plaintext;
        try {
            plaintext = cipher == null ? ciphertext : cipher.decryptWithAd(hash, ciphertext);
        } catch (GeneralSecurityException e) {
            throw HandshakeException.invalid("handshake message does not authenticate", e);
        }
        mixHash(ciphertext);
        return plaintext;
    }

    /** Noise's HKDF with two outputs (RFC 5869 with HMAC-SHA256, the chaining key as salt, no info). */
    private byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[] output1 = hmac(tempKey, new byte[] {1});
        byte[] output2 = hmac(tempKey, concat(output1, new byte[] {2}));
        return new byte[][] {output1, output2};
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 rejected a " + key.length + "-byte key", e);
        }
        return hmac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
