package io.peerflux.resource;

/**
 * Limits per source network on inbound connections, checked the moment a connection is accepted, before a byte of
 * it is read. An IPv4 source counts by its /32, an IPv6 source by its /56.
 *
 * <p>Defaults ({@link #DEFAULTS}, go-libp2p's): at most 8 connections at once per /32 and per /56; new connections
 * at 0.2 per second per network with a burst of 16; loopback sources exempt; at most 16,384 networks tracked.
 *
 * @param connsPerIpv4 connections open at once from one IPv4 address
 * @param connsPerIpv6 connections open at once from one IPv6 /56
 * @param newConnsPerSecond the rate at which a network's allowance of new connections refills
 * @param burst the allowance a network starts with and refills up to
 * @param limitLoopback {@code true} to apply these limits to 127.0.0.0/8 and ::1 too
 * @param maxTracked the most networks tracked at once; a network is forgotten once it has no connection and a full
 *     allowance, and a new network is refused while the table is full of live ones
 */
public record IpLimits(int connsPerIpv4, int connsPerIpv6, double newConnsPerSecond, int burst,
                       boolean limitLoopback, int maxTracked) {

    /** go-libp2p's defaults, described above. */
    public static final IpLimits DEFAULTS = new IpLimits(8, 8, 0.2, 16, false, 16_384);

    /** No per-network limit (and nothing tracked). */
    public static final IpLimits UNLIMITED = new IpLimits(Integer.MAX_VALUE, Integer.MAX_VALUE,
            Double.POSITIVE_INFINITY, Integer.MAX_VALUE, false, DEFAULTS.maxTracked());

    public IpLimits {
        if (connsPerIpv4 < 1 || connsPerIpv6 < 1 || !(newConnsPerSecond > 0) || burst < 1 || maxTracked < 0) {
            throw new IllegalArgumentException("IP limits must be positive: " + this);
        }
    }

    /** Whether nothing is limited, so nothing needs tracking. */
    public boolean isUnlimited() {
        return connsPerIpv4 == Integer.MAX_VALUE && connsPerIpv6 == Integer.MAX_VALUE
                && newConnsPerSecond == Double.POSITIVE_INFINITY;
    }

    public IpLimits withConns(int perIpv4, int perIpv6) {
        return new IpLimits(perIpv4, perIpv6, newConnsPerSecond, burst, limitLoopback, maxTracked);
    }

    public IpLimits withRate(double perSecond, int burst) {
        return new IpLimits(connsPerIpv4, connsPerIpv6, perSecond, burst, limitLoopback, maxTracked);
    }

    public IpLimits withLimitLoopback(boolean limit) {
        return new IpLimits(connsPerIpv4, connsPerIpv6, newConnsPerSecond, burst, limit, maxTracked);
    }

    public IpLimits withMaxTracked(int networks) {
        return new IpLimits(connsPerIpv4, connsPerIpv6, newConnsPerSecond, burst, limitLoopback, networks);
    }
}
