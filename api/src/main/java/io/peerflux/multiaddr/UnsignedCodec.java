package io.peerflux.multiaddr;

/**
 * A fixed-width big-endian unsigned integer written in decimal: ports (16 bits), CIDR masks
 * (8 bits) and memory transport addresses (64 bits).
 */
final class UnsignedCodec implements ValueCodec {

    private static final int MAX_DIGITS = 20;

    private final int bytes;
    private final String what;

    UnsignedCodec(int bytes, String what) {
        this.bytes = bytes;
        this.what = what;
    }

    @Override
    public byte[] parse(String text) {
        if (text.isEmpty() || text.length() > MAX_DIGITS || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(what + " must be a decimal number, got \"" + text + "\"");
        }
        long value;
        try {
            value = Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw outOfRange(text);
        }
        if (bytes < 8 && Long.compareUnsigned(value, (1L << (8 * bytes)) - 1) > 0) {
            throw outOfRange(text);
        }
        byte[] out = new byte[bytes];
        for (int i = bytes - 1; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return out;
    }

    @Override
    public String format(byte[] value) {
        long n = 0;
        for (byte b : value) {
            n = n << 8 | (b & 0xff);
        }
        return Long.toUnsignedString(n);
    }

    private IllegalArgumentException outOfRange(String text) {
        String max = Long.toUnsignedString(bytes == 8 ? -1L : (1L << (8 * bytes)) - 1);
        return new IllegalArgumentException(what + " " + text + " out of range 0-" + max);
    }
}
