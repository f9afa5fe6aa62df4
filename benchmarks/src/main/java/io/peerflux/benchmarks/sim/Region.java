package io.peerflux.benchmarks.sim;

/**
 * Where a node sits, with the round trips between regions' well-connected hosts (rounded from public cloud
 * inter-region ping tables: about 10 ms within a metro region, 300 ms for South America to Asia or Oceania) and the
 * share of nodes placed in each (roughly the public IPFS DHT's spread).
 */
public enum Region {
    NORTH_AMERICA_EAST(0.25),
    NORTH_AMERICA_WEST(0.15),
    EUROPE(0.32),
    ASIA(0.18),
    SOUTH_AMERICA(0.05),
    OCEANIA(0.05);

    /** Round trips in milliseconds, in declaration order; symmetric. */
    private static final int[][] RTT_MILLIS = {
        // NA-E NA-W  EU  ASIA  SA  OCE
        {10, 65, 85, 190, 120, 200},
        {65, 10, 145, 120, 175, 145},
        {85, 145, 15, 210, 200, 280},
        {190, 120, 210, 35, 300, 120},
        {120, 175, 200, 300, 20, 300},
        {200, 145, 280, 120, 300, 15},
    };

    private final double share;

    Region(double share) {
        this.share = share;
    }

    /** The fraction of nodes placed here. */
    public double share() {
        return share;
    }

    /** The round trip between hosts of this region and {@code other}, before access links. */
    public long rttNanos(Region other) {
        return RTT_MILLIS[ordinal()][other.ordinal()] * 1_000_000L;
    }
}
