package io.peerflux.multiformats;

import java.util.Objects;

/**
 * The multibase encodings Peerflux reads and writes: a text form of bytes whose first character
 * names the base (<a href="https://github.com/multiformats/multibase">multiformats/multibase</a>).
 *
 * <p>The RFC 4648 bases are the unpadded variants. Decoding is strict (no stray characters, no
 * padding, no non-zero unused bits), so decoded bytes re-encode to the same text, except that base16
 * and base32 decoding ignore letter case as the multibase test suite requires.
 */
public enum Multibase {
    /** Bitcoin's base58 alphabet; the bare form is how peer ids and CIDv0 are written. */
    BASE58BTC('z', new Base58()),
    /** RFC 4648 base32, lowercase, no padding; the default text form of CIDv1. */
    BASE32('b', new Rfc4648("base32", "abcdefghijklmnopqrstuvwxyz234567", true)),
    /** RFC 4648 base32, uppercase, no padding. */
    BASE32UPPER('B', new Rfc4648("base32upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", true)),
    /** RFC 4648 base64, no padding. */
    BASE64('m', new Rfc4648("base64", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", false)),
    /** RFC 4648 base64 with the URL-safe alphabet, no padding. */
    BASE64URL('u', new Rfc4648("base64url", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false)),
    /** Lowercase hexadecimal. */
    BASE16('f', new Base16());

    private final char prefix;
    private final BaseCodec codec;

    Multibase(char prefix, BaseCodec codec) {
        this.prefix = prefix;
        this.codec = codec;
    }

    /** Returns the character that announces this base in a multibase string. */
    public char prefix() {
        return prefix;
    }

    /**
     * Encodes {@code data} as a multibase string: {@link #prefix()} followed by the encoded text.
     *
     * @param data the bytes to encode
     * @return the prefixed text
     */
    public String encode(byte[] data) {
        return prefix + codec.encode(data);
    }

    /**
     * Encodes {@code data} in this base without the multibase prefix.
     *
     * @param data the bytes to encode
     * @return the encoded text
     */
    public String encodeBare(byte[] data) {
        return codec.encode(data);
    }

    /**
     * Decodes text in this base that carries no multibase prefix.
     *
     * @param text the encoded text
     * @return the decoded bytes
     * @throws IllegalArgumentException naming the offending character and index, or the bad length
     */
    public byte[] decodeBare(String text) {
        return codec.decode(Objects.requireNonNull(text, "text"), 0);
    }

    /**
     * Decodes a multibase string, choosing the base by its first character.
     *
     * @param multibase the prefixed text
     * @return the decoded bytes
     * @throws IllegalArgumentException if the string is empty, the prefix is not a supported base,
     *     or the text is not valid in that base (the message names the character and its index in
     *     {@code multibase})
     */
    public static byte[] decode(String multibase) {
        if (multibase.isEmpty()) {
            throw new IllegalArgumentException("empty multibase string");
        }
        return forPrefix(multibase.charAt(0)).codec.decode(multibase, 1);
    }

    /**
     * Returns the base announced by {@code prefix}.
     *
     * @param prefix a multibase prefix character
     * @return the base
     * @throws IllegalArgumentException if Peerflux does not support that prefix
     */
    public static Multibase forPrefix(char prefix) {
        for (Multibase base : values()) {
            if (base.prefix == prefix) {
                return base;
            }
        }
        throw new IllegalArgumentException("unknown or unsupported multibase prefix " + BaseCodec.show(prefix));
    }
}
