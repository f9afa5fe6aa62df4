package io.peerflux.transport.quic;

import java.util.HexFormat;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A QUIC v1 Retry packet (RFC 9000 section 17.2.5) with its integrity tag (RFC 9001 section 5.8):
 *
 * <pre>
 *  +------+---------+-----------+------+-----------+------+-------+---------------------+
 *  | 0xff | version | DCID len  | DCID | SCID len  | SCID | token | integrity tag (16)  |
 *  +------+---------+-----------+------+-----------+------+-------+---------------------+
 * </pre>
 *
 * The first byte is a long header (0x80), the fixed bit (0x40), type Retry (0x30) and four unused bits, set here
 * as in RFC 9001 appendix A.4. The tag is AES-128-GCM, under the key and nonce fixed for QUIC v1, of no plaintext
 * with the Retry pseudo-packet as associated data: the client's original destination connection id, length-prefixed,
 * then the Retry up to the tag. It proves to the client that the sender saw its Initial.
 */
final class RetryPacket {

    /** QUIC version 1 (RFC 9000 section 15). */
    static final int VERSION_1 = 1;
    static final int TAG_LENGTH = 16;

    private static final int FIRST_BYTE = 0xff;
    private static final byte[] KEY = HexFormat.of().parseHex("be0c690b9f66575a1d766b54e368c84e");
    private static final byte[] NONCE = HexFormat.of().parseHex("461599d35d632bf2239825bb");

    private RetryPacket() {
    }

    /**
     * Encodes a Retry to a client that sent an Initial from {@code clientSourceId} to {@code odcid}; {@code sourceId}
     * is the server's new connection id, which the client's next Initial will be addressed to.
     */
    static byte[] encode(byte[] clientSourceId, byte[] sourceId, byte[] token, byte[] odcid) {
        int length = 1 + Integer.BYTES + 1 + clientSourceId.length + 1 + sourceId.length + token.length;
        byte[] packet = new byte[length + TAG_LENGTH];
        int at = 0;
        packet[at++] = (byte) FIRST_BYTE;
        packet[at++] = (byte) (VERSION_1 >>> 24);
        packet[at++] = (byte) (VERSION_1 >>> 16);
        packet[at++] = (byte) (VERSION_1 >>> 8);
        packet[at++] = (byte) VERSION_1;
        at = putWithLength(packet, at, clientSourceId);
        at = putWithLength(packet, at, sourceId);
        System.arraycopy(token, 0, packet, at, token.length);
        integrityTag(odcid, packet, length, packet, length);
        return packet;
    }

    /**
     * Writes the integrity tag of the Retry {@code packet[0..length)}, sent in answer to an Initial addressed to
     * {@code odcid}, to {@code out[outOffset..outOffset + 16)}.
     */
    static void integrityTag(byte[] odcid, byte[] packet, int length, byte[] out, int outOffset) {
        // A fresh cipher each time: GCM ciphers refuse to encrypt twice under one key and nonce, which is the point
        // here (there is no secret). Retries are rare: only Initials carrying a token we did not mint get one.
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(KEY), TAG_LENGTH * 8, NONCE));
        gcm.processAADByte((byte) odcid.length);
        gcm.processAADBytes(odcid, 0, odcid.length);
        gcm.processAADBytes(packet, 0, length);
        try {
            gcm.doFinal(out, outOffset);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption does not check a tag", e);
        }
    }

    private static int putWithLength(byte[] packet, int at, byte[] id) {
        packet[at++] = (byte) id.length;
        System.arraycopy(id, 0, packet, at, id.length);
        return at + id.length;
    }
}
