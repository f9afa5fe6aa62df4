package io.peerflux.benchmarks.sim.kad;

/**
 * What a run cost the machine: not deterministic, so kept out of {@link ScenarioResult}.
 *
 * @param peakHeapMiB the sum of the heap pools' peak usage (garbage included: an upper bound of what was live)
 */
public record RunCost(double wallSeconds, double peakHeapMiB, long maxHeapMiB) {
}
