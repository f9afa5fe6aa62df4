package io.peerflux.resource;

import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IP network: an address and how many of its leading bits count, as in {@code 192.0.2.0/24}.
 *
 * @param network the address, its bits past {@code length} cleared
 * @param length 0–32 for IPv4, 0–128 for IPv6
 */
public record IpPrefix(InetAddress network, int length) {

    public IpPrefix {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length must be in [0, " + bits + "]: " + length);
        }
        network = masked(network, length);
    }

    /**
     * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32}, a bare address (all its bits), or a multiaddr
     * {@code /ip4/192.0.2.0/ipcidr/24} or {@code /ip6/2001:db8::}. Only literal addresses: nothing is resolved.
     *
     * @throws IllegalArgumentException when {@code text} is none of these
     */
    public static IpPrefix parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            if (text.startsWith("/")) {
                Multiaddr address = Multiaddr.of(text);
                String ip = address.valueOf(Protocol.IP4).or(() -> address.valueOf(Protocol.IP6))
                        .orElseThrow(() -> new IllegalArgumentException("no /ip4 or /ip6 in " + text));
                InetAddress network = literal(ip);
                int length = address.valueOf(Protocol.IPCIDR).map(Integer::parseInt)
                        .orElse(network.getAddress().length * 8);
                return new IpPrefix(network, length);
            }
            int slash = text.indexOf('/');
            InetAddress network = literal(slash < 0 ? text : text.substring(0, slash));
            int length = slash < 0 ? network.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1));
            return new IpPrefix(network, length);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an IP prefix: " + text, e);
        }
    }

    /** Whether {@code address} lies in this network (an IPv4 address never lies in an IPv6 network). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        return a.length == n.length && Arrays.equals(masked(a, length), n);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + length;
    }

    private static InetAddress literal(String ip) {
        if (ip.isEmpty() || !(ip.indexOf(':') >= 0 || Character.digit(ip.charAt(0), 16) >= 0)) {
            throw new IllegalArgumentException("not an IP literal: " + ip);
        }
        for (int i = 0; i < ip.length(); i++) {
            char c = ip.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                throw new IllegalArgumentException("not an IP literal: " + ip);
            }
        }
        try {
            return InetAddress.getByName(ip); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + ip, e);
        }
    }

    private static InetAddress masked(InetAddress address, int length) {
        try {
            return InetAddress.getByAddress(masked(address.getAddress(), length));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] masked(byte[] bytes, int length) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, length - i * 8));
            out[i] &= (byte) (0xFF00 >>> keep);
        }
        return out;
    }
}
