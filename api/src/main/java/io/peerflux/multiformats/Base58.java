package io.peerflux.multiformats;

import java.util.Arrays;

/**
 * Base58 with the Bitcoin alphabet: the text is a big-endian base-58 number, and each leading zero
 * byte is written as a leading {@code '1'}.
 *
 * <p>Conversion is quadratic in the length, which is nothing for peer ids and content ids (about
 * 50 characters) but would let a hostile string burn CPU, so decoding refuses text longer than
 * {@link #MAX_DECODE_LENGTH}.
 */
final class Base58 implements BaseCodec {

    /** Longest text accepted for decoding, about 3 KB of data: far beyond any id. */
    static final int MAX_DECODE_LENGTH = 4096;

    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final byte[] DIGITS = new byte[128];

    static {
        Arrays.fill(DIGITS, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            DIGITS[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    @Override
    public String encode(byte[] data) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        // Base-58 digits, least significant first; 256 < 58^1.37, so this many always suffice.
        byte[] digits = new byte[(data.length - zeros) * 137 / 100 + 1];
        int used = 0;
        for (int i = zeros; i < data.length; i++) {
            int carry = data[i] & 0xff;
            for (int j = 0; j < used; j++) {
                carry += (digits[j] & 0xff) << 8;
                digits[j] = (byte) (carry % 58);
                carry /= 58;
            }
            while (carry > 0) {
                digits[used++] = (byte) (carry % 58);
                carry /= 58;
            }
        }
        StringBuilder out = new StringBuilder(zeros + used);
        out.append("1".repeat(zeros));
        for (int j = used - 1; j >= 0; j--) {
            out.append(ALPHABET.charAt(digits[j]));
        }
        return out.toString();
    }

    @Override
    public byte[] decode(String text, int from) {
        int length = text.length() - from;
        if (length > MAX_DECODE_LENGTH) {
            throw new IllegalArgumentException("base58btc text of " + length + " characters exceeds the limit of " + MAX_DECODE_LENGTH);
        }
        int zeros = 0;
        while (from + zeros < text.length() && text.charAt(from + zeros) == '1') {
            zeros++;
        }
        // Bytes, least significant first; 58 < 256^0.733.
        byte[] bytes = new byte[(length - zeros) * 733 / 1000 + 1];
        int used = 0;
        for (int i = from + zeros; i < text.length(); i++) {
            char c = text.charAt(i);
            int carry = c < 128 ? DIGITS[c] : -1;
            if (carry < 0) {
                throw BaseCodec.badChar("base58btc", text, i);
            }
            for (int j = 0; j < used; j++) {
                carry += (bytes[j] & 0xff) * 58;
                bytes[j] = (byte) carry;
                carry >>>= 8;
            }
            while (carry > 0) {
                bytes[used++] = (byte) carry;
                carry >>>= 8;
            }
        }
        byte[] out = new byte[zeros + used];
        for (int j = 0; j < used; j++) {
            out[zeros + j] = bytes[used - 1 - j];
        }
        return out;
    }
}
