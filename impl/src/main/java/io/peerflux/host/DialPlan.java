package io.peerflux.host;

import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * When each of a peer's addresses is dialed, in the manner of happy eyeballs (RFC 8305) and go-libp2p's dial ranker:
 * rather than one address after another, each waiting for the last to fail, the most promising starts at once and
 * the others follow a short step apart, racing it. Order: QUIC (one round trip to a secured, multiplexed connection),
 * then TCP, then WebSocket, then anything else; within each, IPv6 before IPv4. Each of these groups starts one step
 * after the previous one began, and within a group each further address one step after the one before. The step is
 * {@value #PUBLIC_STEP_MILLIS} ms for public addresses, a round trip on a long path, and {@value #PRIVATE_STEP_MILLIS}
 * ms for loopback and private ones, planned separately, both from the start.
 */
final class DialPlan {

    static final long PUBLIC_STEP_MILLIS = 250;
    static final long PRIVATE_STEP_MILLIS = 30;

    /** One dial: the address and how long after the first dial it starts. */
    record Planned(Multiaddr address, Duration delay) {
    }

    private DialPlan() {
    }

    /** The dials for {@code addresses} (duplicates dropped), earliest first. */
    static List<Planned> of(List<Multiaddr> addresses) {
        List<Multiaddr> distinct = List.copyOf(new LinkedHashSet<>(addresses));
        List<Planned> plan = new ArrayList<>();
        plan.addAll(group(distinct.stream().filter(DialPlan::isPublic).toList(), PUBLIC_STEP_MILLIS));
        plan.addAll(group(distinct.stream().filter(a -> !isPublic(a)).toList(), PRIVATE_STEP_MILLIS));
        plan.sort(Comparator.comparing(Planned::delay)); // stable: ties keep the order above
        return plan;
    }

    private static List<Planned> group(List<Multiaddr> addresses, long stepMillis) {
        List<Multiaddr> ranked = addresses.stream().sorted(Comparator.comparingInt(DialPlan::rank)).toList();
        List<Planned> plan = new ArrayList<>();
        long groupStart = 0;
        int previousRank = -1;
        long within = 0;
        for (Multiaddr address : ranked) {
            int rank = rank(address);
            if (rank != previousRank) {
                groupStart = previousRank < 0 ? 0 : groupStart + stepMillis;
                previousRank = rank;
                within = 0;
            } else {
                within += stepMillis;
            }
            plan.add(new Planned(address, Duration.ofMillis(groupStart + within)));
        }
        return plan;
    }

    /** QUIC IPv6, QUIC IPv4, TCP IPv6, TCP IPv4, WebSocket IPv6, WebSocket IPv4, then the rest. */
    private static int rank(Multiaddr address) {
        int kind;
        if (address.has(Protocol.QUIC_V1)) {
            kind = 0;
        } else if (address.has(Protocol.WS) || address.has(Protocol.WSS)) {
            kind = 2;
        } else if (address.has(Protocol.TCP)) {
            kind = 1;
        } else {
            kind = 3;
        }
        return 2 * kind + (isIp6(address) ? 0 : 1);
    }

    static boolean isUdp(Multiaddr address) {
        return address.has(Protocol.UDP);
    }

    static boolean isIp6(Multiaddr address) {
        return address.has(Protocol.IP6);
    }

    /**
     * Whether {@code address} is on the public internet: an IP address that is not loopback, link-local, private
     * (RFC 1918, RFC 4193), shared (RFC 6598) or unspecified. Names count as public; other addresses (memory) not.
     */
    static boolean isPublic(Multiaddr address) {
        if (address.has(Protocol.DNS) || address.has(Protocol.DNS4) || address.has(Protocol.DNS6)
                || address.has(Protocol.DNSADDR)) {
            return true;
        }
        Optional<InetAddress> ip = address.toInetSocketAddress().map(s -> s.getAddress());
        if (ip.isEmpty()) {
            return false;
        }
        InetAddress a = ip.get();
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) != 0xfc; // fc00::/7, unique local
        }
        return !((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64); // 100.64.0.0/10, shared address space
    }
}
