package io.peerflux.benchmarks.sim.kad;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one kind of lookup: success rate, then latency and hop count over the lookups that succeeded, and
 * requests sent per lookup over all of them. Latencies are given in milliseconds and in multiples of the run's median
 * link round trip, which holds on any machine.
 *
 * @param successRate found what it looked for, over all lookups started
 * @param requestsMean requests the querying node sent per lookup
 */
record LookupStats(int count, double successRate, double medianMs, double p95Ms, double p99Ms, double medianRtts,
                   double p95Rtts, double p99Rtts, double hopsMedian, double hopsMean, int hopsMax,
                   double requestsMean) {

    static final String[] COLUMNS = {"count", "success", "median_ms", "p95_ms", "p99_ms", "median_rtts", "p95_rtts",
        "p99_rtts", "hops_median", "hops_mean", "hops_max", "requests_mean"};

    static LookupStats of(List<QueryRecorder> queries, long medianRttNanos) {
        List<QueryRecorder> found = queries.stream().filter(QueryRecorder::found).toList();
        long[] latencies = found.stream().mapToLong(QueryRecorder::latencyNanos).sorted().toArray();
        int[] hops = found.stream().mapToInt(QueryRecorder::hops).sorted().toArray();
        double rttMs = medianRttNanos / 1e6;
        double median = percentile(latencies, 0.50) / 1e6;
        double p95 = percentile(latencies, 0.95) / 1e6;
        double p99 = percentile(latencies, 0.99) / 1e6;
        return new LookupStats(queries.size(), queries.isEmpty() ? Double.NaN : (double) found.size() / queries.size(),
                median, p95, p99, median / rttMs, p95 / rttMs, p99 / rttMs,
                hops.length == 0 ? Double.NaN : hops[(hops.length - 1) / 2],
                Arrays.stream(hops).average().orElse(Double.NaN), Arrays.stream(hops).max().orElse(0),
                queries.stream().mapToInt(QueryRecorder::requests).average().orElse(Double.NaN));
    }

    /** The nearest-rank percentile of sorted values; {@code NaN} when there are none. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    String[] csvValues() {
        return new String[] {Integer.toString(count), f(successRate), f(medianMs), f(p95Ms), f(p99Ms), f(medianRtts),
            f(p95Rtts), f(p99Rtts), f(hopsMedian), f(hopsMean), Integer.toString(hopsMax), f(requestsMean)};
    }

    static String f(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
