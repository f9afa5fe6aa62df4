package io.peerflux.multiformats;

import java.util.Arrays;

/**
 * The RFC 4648 bit-packing bases (base32, base64, base64url) without padding, as multibase uses
 * them.
 *
 * <p>Decoding rejects characters outside the alphabet (including {@code '='}), a length that leaves a
 * whole unused character, and non-zero unused trailing bits, so the bytes re-encode to the same text
 * up to letter case. Base32 decoding ignores case, as multibase's
 * {@code tests/case_insensitivity.csv} requires.
 */
final class Rfc4648 implements BaseCodec {

    private final String name;
    private final String alphabet;
    private final int bitsPerChar;
    private final byte[] values = new byte[128];

    Rfc4648(String name, String alphabet, boolean ignoreCase) {
        this.name = name;
        this.alphabet = alphabet;
        this.bitsPerChar = Integer.numberOfTrailingZeros(alphabet.length());
        Arrays.fill(values, (byte) -1);
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            values[c] = (byte) i;
            if (ignoreCase) {
                values[Character.toLowerCase(c)] = (byte) i;
                values[Character.toUpperCase(c)] = (byte) i;
            }
        }
    }

    @Override
    public String encode(byte[] data) {
        int mask = (1 << bitsPerChar) - 1;
        StringBuilder out = new StringBuilder((data.length * 8 + bitsPerChar - 1) / bitsPerChar);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= bitsPerChar) {
                bits -= bitsPerChar;
                out.append(alphabet.charAt((buffer >>> bits) & mask));
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (bitsPerChar - bits)) & mask));
        }
        return out.toString();
    }

    @Override
    public byte[] decode(String text, int from) {
        int chars = text.length() - from;
        long totalBits = (long) chars * bitsPerChar;
        if (totalBits % 8 >= bitsPerChar) {
            throw new IllegalArgumentException("invalid " + name + " length " + chars + ": the last character carries no data");
        }
        byte[] out = new byte[(int) (totalBits / 8)];
        int buffer = 0;
        int bits = 0;
        int written = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            int value = c < 128 ? values[c] : -1;
            if (value < 0) {
                throw BaseCodec.badChar(name, text, i);
            }
            buffer = (buffer << bitsPerChar) | value;
            bits += bitsPerChar;
            if (bits >= 8) {
                bits -= 8;
                out[written++] = (byte) (buffer >>> bits);
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("non-canonical " + name + ": unused trailing bits of the last character are not zero");
        }
        return out;
    }
}
