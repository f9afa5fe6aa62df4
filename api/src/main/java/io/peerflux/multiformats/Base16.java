package io.peerflux.multiformats;

/**
 * Hexadecimal, written in lowercase; decoding ignores case, as multibase's
 * {@code tests/case_insensitivity.csv} requires.
 */
final class Base16 implements BaseCodec {

    private static final String DIGITS = "0123456789abcdef";

    @Override
    public String encode(byte[] data) {
        StringBuilder out = new StringBuilder(data.length * 2);
        for (byte b : data) {
            out.append(DIGITS.charAt((b >> 4) & 0xf)).append(DIGITS.charAt(b & 0xf));
        }
        return out.toString();
    }

    @Override
    public byte[] decode(String text, int from) {
        int chars = text.length() - from;
        if (chars % 2 != 0) {
            throw new IllegalArgumentException("invalid base16 length " + chars + ": must be even");
        }
        byte[] out = new byte[chars / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (digit(text, from + 2 * i) << 4 | digit(text, from + 2 * i + 1));
        }
        return out;
    }

    private static int digit(String text, int index) {
        char c = text.charAt(index);
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw BaseCodec.badChar("base16", text, index);
    }
}
