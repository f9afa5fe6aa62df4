package io.peerflux.benchmarks.sim.kad;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The runs' results: {@code dht-sim.csv} (one row per scenario, every figure, deterministic), {@code
 * dht-sim-cost.csv} (wall time and heap, which are not), {@code dht-sim.png} (find-peer latency and hop count
 * against the number of nodes, one line per kind of scenario), and a plain-text summary with the targets.
 */
public final class SimReport {

    /** The targets, in multiples of the median link round trip. */
    static final double MEDIAN_RTTS = 4;
    static final double P95_RTTS = 8;
    static final double CHURN_P95_RTTS = 12;
    static final double CHURN_SUCCESS = 0.99;
    static final double HOLDERS = 18;

    private final List<ScenarioResult> results = new ArrayList<>();
    private final List<RunCost> costs = new ArrayList<>();

    public void add(ScenarioResult result, RunCost cost) {
        results.add(result);
        costs.add(cost);
    }

    public List<ScenarioResult> results() {
        return results;
    }

    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<String> lines = new ArrayList<>(List.of(ScenarioResult.csvHeader()));
        results.forEach(r -> lines.add(r.csvRow()));
        Files.write(directory.resolve("dht-sim.csv"), lines);
        List<String> cost = new ArrayList<>(List.of("scenario,wall_s,peak_heap_mib,max_heap_mib"));
        for (int i = 0; i < results.size(); i++) {
            RunCost c = costs.get(i);
            cost.add(String.format(Locale.ROOT, "%s,%.1f,%.0f,%d", results.get(i).scenario().name(), c.wallSeconds(),
                    c.peakHeapMiB(), c.maxHeapMiB()));
        }
        Files.write(directory.resolve("dht-sim-cost.csv"), cost);
        BitmapEncoder.saveBitmap(List.of(latencyChart(), hopsChart()), 1, 2,
                directory.resolve("dht-sim.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Prints one block per scenario: its figures, and each target with its verdict. */
    public void print(PrintStream out) {
        for (int i = 0; i < results.size(); i++) {
            print(out, i);
        }
    }

    /** Prints the block of the scenario added last. */
    public void printLatest(PrintStream out) {
        print(out, results.size() - 1);
    }

    private void print(PrintStream out, int i) {
        ScenarioResult r = results.get(i);
        RunCost c = costs.get(i);
        out.printf(Locale.ROOT, "%s: %d live nodes, median link RTT %.1f ms, %.0f s simulated in %.1f s wall, "
                + "peak heap %.0f MiB of %d%n", r.scenario().name(), r.liveNodes(), r.medianRttMs(),
                r.simulatedSeconds(), c.wallSeconds(), c.peakHeapMiB(), c.maxHeapMiB());
        line(out, "find-peer", r.findPeer());
        out.printf(Locale.ROOT, "  %-15s %.1f%% of targets were already in the querying node's peerstore%n", "",
                100 * r.findPeerKnownShare());
        line(out, "find-providers", r.findProviders());
        line(out, "closest-peers", r.closest());
        out.printf(Locale.ROOT, "  %-15s %.1f%% of results among the true 20 closest live nodes%n", "",
                100 * r.closestTrueShare());
        out.printf(Locale.ROOT, "  %-15s provider record on %.0f of the true 20 closest (median; min %d, mean "
                + "%.1f)%n", "provide", r.provideHoldersMedian(), r.provideHoldersMin(), r.provideHoldersMean());
        for (String verdict : verdicts(r)) {
            out.println("  target: " + verdict);
        }
    }

    private static void line(PrintStream out, String what, LookupStats s) {
        out.printf(Locale.ROOT, "  %-15s %d lookups, %.2f%% found; latency median %.0f ms (%.2f RTT), p95 %.0f ms "
                + "(%.2f), p99 %.0f ms (%.2f); hops median %.0f mean %.2f max %d; %.1f requests each%n", what,
                s.count(), 100 * s.successRate(), s.medianMs(), s.medianRtts(), s.p95Ms(), s.p95Rtts(), s.p99Ms(),
                s.p99Rtts(), s.hopsMedian(), s.hopsMean(), s.hopsMax(), s.requestsMean());
    }

    /** The targets that apply to {@code r}, each with its figure and whether it was met. */
    static List<String> verdicts(ScenarioResult r) {
        List<String> out = new ArrayList<>();
        boolean churn = r.scenario().goneFraction() > 0;
        double success = churn ? CHURN_SUCCESS : 1.0;
        out.add(verdict("find-peer success ≥ " + pct(success), pct(r.findPeer().successRate()),
                r.findPeer().successRate() >= success));
        out.add(verdict("find-providers success ≥ " + pct(success), pct(r.findProviders().successRate()),
                r.findProviders().successRate() >= success));
        if (churn) {
            out.add(rtts("find-peer p95 ≤ 12 RTT", r.findPeer().p95Rtts(), CHURN_P95_RTTS));
        } else {
            out.add(rtts("find-peer median ≤ 4 RTT", r.findPeer().medianRtts(), MEDIAN_RTTS));
            out.add(rtts("find-peer p95 ≤ 8 RTT", r.findPeer().p95Rtts(), P95_RTTS));
        }
        out.add(verdict("provide holders median ≥ 18 of 20", String.format(Locale.ROOT, "%.0f",
                r.provideHoldersMedian()), r.provideHoldersMedian() >= HOLDERS));
        return out;
    }

    private static String rtts(String target, double value, double limit) {
        return verdict(target, String.format(Locale.ROOT, "%.2f", value), value <= limit);
    }

    private static String verdict(String target, String value, boolean met) {
        return String.format(Locale.ROOT, "%-36s %-8s %s", target, value, met ? "met" : "MISSED");
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    /** Find-peer median and p95 latency (in median RTTs) against nodes, one pair of lines per kind of scenario. */
    private XYChart latencyChart() {
        XYChart chart = new XYChartBuilder().width(900).height(600).title("find-peer latency")
                .xAxisTitle("nodes").yAxisTitle("multiples of the median link RTT").build();
        style(chart);
        for (Map.Entry<String, List<ScenarioResult>> kind : byKind().entrySet()) {
            add(chart, kind.getKey() + " median", kind.getValue(), r -> r.findPeer().medianRtts());
            add(chart, kind.getKey() + " p95", kind.getValue(), r -> r.findPeer().p95Rtts());
        }
        return chart;
    }

    /** Mean find-peer and closest-peers hop counts against nodes on a log axis: a straight line is O(log N). */
    private XYChart hopsChart() {
        XYChart chart = new XYChartBuilder().width(900).height(600).title("hops (O(log N) is a straight line)")
                .xAxisTitle("nodes (log)").yAxisTitle("mean hops").build();
        style(chart);
        for (Map.Entry<String, List<ScenarioResult>> kind : byKind().entrySet()) {
            add(chart, kind.getKey() + " find-peer", kind.getValue(), r -> r.findPeer().hopsMean());
            add(chart, kind.getKey() + " closest", kind.getValue(), r -> r.closest().hopsMean());
        }
        return chart;
    }

    private static void style(XYChart chart) {
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    private static void add(XYChart chart, String name, List<ScenarioResult> rows,
                            java.util.function.ToDoubleFunction<ScenarioResult> y) {
        double[] xs = rows.stream().mapToDouble(ScenarioResult::liveNodes).toArray();
        double[] ys = rows.stream().mapToDouble(y).toArray();
        chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
    }

    /** Results grouped by everything but the number of nodes, each group by nodes ascending. */
    private Map<String, List<ScenarioResult>> byKind() {
        Map<String, List<ScenarioResult>> out = new LinkedHashMap<>();
        for (ScenarioResult r : results) {
            out.computeIfAbsent(r.scenario().name().replaceFirst("^n\\d+-", ""), k -> new ArrayList<>()).add(r);
        }
        out.values().forEach(l -> l.sort(java.util.Comparator.comparingInt(r -> r.scenario().nodes())));
        return out;
    }
}
