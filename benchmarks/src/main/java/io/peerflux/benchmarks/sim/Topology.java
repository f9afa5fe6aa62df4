package io.peerflux.benchmarks.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where each node is and what a round trip between two nodes costs: the round trip between their regions plus each
 * node's access link (home broadband, a data centre, a phone: a few to tens of milliseconds, drawn once per node).
 * Nodes are numbered from 0 as they are added.
 */
public final class Topology {

    /** The shortest access-link round trip a node gets. */
    static final long MIN_ACCESS_NANOS = 1_000_000L;
    /** Access-link round trips are {@link #MIN_ACCESS_NANOS} plus an exponential draw with this mean. */
    static final long MEAN_EXTRA_ACCESS_NANOS = 8_000_000L;
    /** An access link never adds more than this. */
    static final long MAX_ACCESS_NANOS = 60_000_000L;

    private final SplittableRandom random;
    private Region[] regions = new Region[64];
    private long[] accessNanos = new long[64];
    private int size;

    public Topology(SplittableRandom random) {
        this.random = random;
    }

    /** Places a new node in a region drawn by {@link Region#share()}; returns its number. */
    public int add() {
        if (size == regions.length) {
            regions = Arrays.copyOf(regions, size * 2);
            accessNanos = Arrays.copyOf(accessNanos, size * 2);
        }
        regions[size] = drawRegion();
        double extra = -Math.log(1 - random.nextDouble()) * MEAN_EXTRA_ACCESS_NANOS;
        accessNanos[size] = Math.min(MAX_ACCESS_NANOS, MIN_ACCESS_NANOS + (long) extra);
        return size++;
    }

    public int size() {
        return size;
    }

    public Region region(int node) {
        return regions[node];
    }

    /** The round trip between two nodes. */
    public long rttNanos(int a, int b) {
        return regions[a].rttNanos(regions[b]) + accessNanos[a] + accessNanos[b];
    }

    /** The median round trip over {@code samples} random pairs of distinct nodes (drawn from {@code sampler}). */
    public long medianRttNanos(int samples, SplittableRandom sampler) {
        long[] rtts = new long[samples];
        for (int i = 0; i < samples; i++) {
            int a = sampler.nextInt(size);
            int b = sampler.nextInt(size - 1);
            rtts[i] = rttNanos(a, b >= a ? b + 1 : b);
        }
        Arrays.sort(rtts);
        return rtts[samples / 2];
    }

    private Region drawRegion() {
        double x = random.nextDouble();
        for (Region r : Region.values()) {
            x -= r.share();
            if (x < 0) {
                return r;
            }
        }
        return Region.values()[Region.values().length - 1];
    }
}
