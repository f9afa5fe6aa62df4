package io.peerflux.kad;

import io.peerflux.multiaddr.Multiaddr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The routing table's IP diversity filter: at most {@code maxPerTable} peers of one network block in the table and
 * {@code maxPerBucket} in one bucket, so that one operator with one address block cannot fill the table (an eclipse).
 * Blocks are IPv4 /24 and IPv6 /48. Loopback, private, link-local and unique-local addresses are exempt: they are
 * where tests and private networks live, and public-network attackers cannot reach us from them.
 */
public final class IpGroups {

    private final int maxPerTable;
    private final int maxPerBucket;
    private final Map<String, Integer> inTable = new HashMap<>();
    private final Map<String, Integer> inBucket = new HashMap<>();

    public IpGroups(int maxPerTable, int maxPerBucket) {
        this.maxPerTable = maxPerTable;
        this.maxPerBucket = maxPerBucket;
    }

    /** A filter that admits everyone (for tests and networks where diversity does not matter). */
    public static IpGroups unlimited() {
        return new IpGroups(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The block of {@code address}, or {@code null} when it is exempt. */
    public static String groupOf(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return null;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            if ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
                return null; // 100.64.0.0/10, carrier-grade NAT
            }
            return "ip4/" + (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff);
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return null; // fc00::/7, unique local
            }
            return String.format("ip6/%02x%02x:%02x%02x:%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
        }
        return null;
    }

    /**
     * The block of the first non-exempt IP address among {@code addresses}, or {@code null} when they have none: a
     * peer that also lists a loopback address is not exempt for it.
     */
    public static String groupOf(List<Multiaddr> addresses) {
        for (Multiaddr address : addresses) {
            Optional<InetAddress> ip = address.toInetSocketAddress().map(InetSocketAddress::getAddress);
            String group = ip.map(IpGroups::groupOf).orElse(null);
            if (group != null) {
                return group;
            }
        }
        return null;
    }

    boolean admits(String group, int bucket) {
        return inTable.getOrDefault(group, 0) < maxPerTable
                && inBucket.getOrDefault(group + "#" + bucket, 0) < maxPerBucket;
    }

    void added(String group, int bucket) {
        inTable.merge(group, 1, Integer::sum);
        inBucket.merge(group + "#" + bucket, 1, Integer::sum);
    }

    void removed(String group, int bucket) {
        inTable.computeIfPresent(group, (g, n) -> n == 1 ? null : n - 1);
        inBucket.computeIfPresent(group + "#" + bucket, (g, n) -> n == 1 ? null : n - 1);
    }
}
