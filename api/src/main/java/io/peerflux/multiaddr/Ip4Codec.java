package io.peerflux.multiaddr;

/**
 * IPv4 addresses in strict dotted-quad form: four decimal octets, no leading zeros, no other
 * shorthand. Parsed by hand so that nothing ever reaches a resolver.
 */
final class Ip4Codec implements ValueCodec {

    @Override
    public byte[] parse(String text) {
        byte[] out = parseOrNull(text, 0, text.length());
        if (out == null) {
            throw new IllegalArgumentException("invalid IPv4 address \"" + text + "\"");
        }
        return out;
    }

    @Override
    public String format(byte[] value) {
        return format(value, 0);
    }

    static String format(byte[] bytes, int from) {
        return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "." + (bytes[from + 3] & 0xff);
    }

    /** Parses {@code text[from, to)} as a dotted quad, or returns null. */
    static byte[] parseOrNull(String text, int from, int to) {
        byte[] out = new byte[4];
        int i = from;
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (i >= to || text.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return null;
            }
            out[octet] = (byte) value;
        }
        return i == to ? out : null;
    }
}
