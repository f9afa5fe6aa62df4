package io.peerflux.multiformats;

/** One base encoding without its multibase prefix; implementations are stateless and thread-safe. */
interface BaseCodec {

    String encode(byte[] data);

    /**
     * Decodes {@code text} from index {@code from} to its end.
     *
     * @throws IllegalArgumentException naming the offending character and its index in {@code text}
     */
    byte[] decode(String text, int from);

    static IllegalArgumentException badChar(String base, String text, int index) {
        return new IllegalArgumentException("invalid " + base + " character " + show(text.charAt(index)) + " at index " + index);
    }

    /** Quotes a printable ASCII character, and writes any other as {@code U+XXXX}. */
    static String show(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
