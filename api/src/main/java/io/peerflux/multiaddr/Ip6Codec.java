package io.peerflux.multiaddr;

/**
 * IPv6 addresses. Parsing accepts the RFC 4291 section 2.2 text forms (hex groups of up to four
 * digits in either case, one {@code "::"}, a trailing dotted IPv4 part) and no zone; parsed by hand
 * so that nothing ever reaches a resolver. Formatting is the RFC 5952 canonical form: lowercase,
 * no leading zeros, the longest run of two or more zero groups (the first on a tie) shortened to
 * {@code "::"}, and IPv4-mapped addresses as {@code ::ffff:a.b.c.d} (section 5).
 */
final class Ip6Codec implements ValueCodec {

    @Override
    public byte[] parse(String text) {
        byte[] out = parseOrNull(text);
        if (out == null) {
            throw new IllegalArgumentException("invalid IPv6 address \"" + text + "\"");
        }
        return out;
    }

    private static byte[] parseOrNull(String text) {
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // index in groups where "::" stands
        int i = 0;
        int n = text.length();
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
        }
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 4 && Character.digit(text.charAt(i), 16) >= 0 && text.charAt(i) < 0x80) {
                value = value << 4 | Character.digit(text.charAt(i), 16);
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                // The last 32 bits in dotted form.
                byte[] ip4 = count <= 6 ? Ip4Codec.parseOrNull(text, start, n) : null;
                if (ip4 == null) {
                    return null;
                }
                groups[count++] = (ip4[0] & 0xff) << 8 | (ip4[1] & 0xff);
                groups[count++] = (ip4[2] & 0xff) << 8 | (ip4[3] & 0xff);
                i = n;
                break;
            }
            if (i == start) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            } else if (i == n) {
                return null; // a single trailing ':'
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        int zeros = 8 - count;
        for (int g = 0, at = 0; g < count; g++, at++) {
            if (g == gap) {
                at += zeros;
            }
            out[2 * at] = (byte) (groups[g] >> 8);
            out[2 * at + 1] = (byte) groups[g];
        }
        return out;
    }

    @Override
    public String format(byte[] value) {
        if (isIpv4Mapped(value)) {
            return "::ffff:" + Ip4Codec.format(value, 12);
        }
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = (value[2 * g] & 0xff) << 8 | (value[2 * g + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not shortened
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                out.append("::");
                g += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[g]));
        }
        return out.toString();
    }

    private static boolean isIpv4Mapped(byte[] value) {
        for (int i = 0; i < 10; i++) {
            if (value[i] != 0) {
                return false;
            }
        }
        return value[10] == (byte) 0xff && value[11] == (byte) 0xff;
    }
}
