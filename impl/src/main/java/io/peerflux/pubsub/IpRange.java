package io.peerflux.pubsub;

import java.net.InetAddress;
import java.util.Arrays;

/** A block of IP addresses, {@code base/prefixLength}: the whitelist of the IP colocation factor (P₆). */
public final class IpRange {

    private final byte[] base;
    private final int prefixLength;

    private IpRange(byte[] base, int prefixLength) {
        this.base = base;
        this.prefixLength = prefixLength;
    }

    /**
     * The addresses that share {@code base}'s first {@code prefixLength} bits (an {@link InetAddress}, not a string,
     * so that nothing here can trigger a DNS lookup).
     */
    public static IpRange of(InetAddress base, int prefixLength) {
        byte[] b = base.getAddress();
        if (prefixLength < 0 || prefixLength > b.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " for " + base);
        }
        return new IpRange(b, prefixLength);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != base.length) {
            return false;
        }
        int full = prefixLength / 8;
        if (!Arrays.equals(a, 0, full, base, 0, full)) {
            return false;
        }
        int rest = prefixLength % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || ((a[full] ^ base[full]) & mask) == 0;
    }
}
