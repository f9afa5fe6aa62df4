package io.peerflux.benchmarks.compare;

import static io.peerflux.benchmarks.compare.Compare.CEILING;
import static io.peerflux.benchmarks.compare.Compare.JS_JS;
import static io.peerflux.benchmarks.compare.Compare.JS_PF;
import static io.peerflux.benchmarks.compare.Compare.NOISE;
import static io.peerflux.benchmarks.compare.Compare.PF_JS;
import static io.peerflux.benchmarks.compare.Compare.PF_PF;
import static io.peerflux.benchmarks.compare.Compare.QUIC;
import static io.peerflux.benchmarks.compare.Compare.TLS;

import io.peerflux.benchmarks.compare.Compare.Case;
import io.peerflux.benchmarks.compare.Compare.Sample;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The comparison's results: one row per case with the median, min and max in Gbit/s (10<sup>9</sup> bits per
 * second), and the ratios the targets are stated in: each stack against its ceiling pipe (tcp+noise+yamux
 * and tcp+tls+yamux against ChaChaPipe, quic-v1 against QuicPipe) and Peerflux↔Peerflux against js↔js. Printed as a
 * table, written as {@code compare-<time>.csv} and {@code compare-<time>.png} (grouped bars of the medians).
 */
final class Report {

    private static final List<String> STACKS = List.of(NOISE, TLS, QUIC);
    private static final List<String> PAIRS = List.of(CEILING, PF_PF, JS_JS, PF_JS, JS_PF);

    private final String jdk;
    /** The JDK's feature release: some targets hold on JDK 25 only. */
    private final int jdkFeature;
    private final long bytes;
    private final int runs;
    private final LocalDateTime time = LocalDateTime.now().withNano(0);
    private final List<Row> rows = new ArrayList<>();

    /** A case's figures; {@code NaN} where nothing was measured. */
    record Row(String pair, String stack, double median, double min, double max, double uploadMedian, int ok,
               double[] downloads, String ceiling, double vsCeiling, double vsJs) {
    }

    /** One of the targets: a Peerflux↔Peerflux median over another median, at least {@code minimum}. */
    record Target(String text, double ratio, double minimum) {
        boolean met() {
            return ratio >= minimum;
        }
    }

    Report(String jdk, int jdkFeature, long bytes, int runs, Map<Case, List<Sample>> samples) {
        this.jdk = jdk;
        this.jdkFeature = jdkFeature;
        this.bytes = bytes;
        this.runs = runs;
        samples.forEach((c, list) -> {
            double[] downloads = measured(list, Sample::download);
            rows.add(new Row(c.pair(), c.stack(), median(downloads), min(downloads), max(downloads),
                    median(measured(list, Sample::upload)), downloads.length, downloads, "", Double.NaN,
                    Double.NaN));
        });
        rows.replaceAll(this::withRatios);
    }

    private Row withRatios(Row row) {
        if (row.pair().equals(CEILING)) {
            return row;
        }
        String ceiling = row.stack().equals(QUIC) ? "QuicPipe" : "ChaChaPipe";
        double vsJs = row.pair().equals(PF_PF) ? row.median() / find(JS_JS, row.stack()) : Double.NaN;
        return new Row(row.pair(), row.stack(), row.median(), row.min(), row.max(), row.uploadMedian(), row.ok(),
                row.downloads(), ceiling, row.median() / find(CEILING, ceiling), vsJs);
    }

    private double find(String pair, String stack) {
        return rows.stream().filter(r -> r.pair().equals(pair) && r.stack().equals(stack)).mapToDouble(Row::median)
                .findFirst().orElse(Double.NaN);
    }

    Report print(PrintStream out) {
        out.printf(Locale.ROOT, "%nDownload (server to client), Gbit/s, median of %d runs of %d MiB; %s; %s%n", runs,
                bytes >> 20, jdk, time);
        String format = "%-20s %-16s %8s %17s %8s %5s  %-12s %8s %8s%n";
        out.printf(Locale.ROOT, format, "pair", "stack", "median", "min-max", "upload", "ok", "ceiling",
                "÷ceiling", "÷js↔js");
        for (Row row : rows) {
            out.printf(Locale.ROOT, format, row.pair(), row.stack(), fixed(row.median()),
                    fixed(row.min()) + "-" + fixed(row.max()), fixed(row.uploadMedian()), row.ok() + "/" + runs,
                    row.ceiling(), percent(row.vsCeiling()), ratio(row.vsJs()));
        }
        out.println("TLS rows are held against ChaChaPipe too, though TLS 1.3 negotiates AES-GCM.");
        out.println("Targets (issue 4), Peerflux↔Peerflux medians:");
        for (Target target : targets()) {
            out.printf(Locale.ROOT, "  %-52s %7s  %s%n", target.text(),
                    target.minimum() < 1 ? percent(target.ratio()) : ratio(target.ratio()),
                    Double.isNaN(target.ratio()) ? "not measured" : target.met() ? "met" : "MISSED");
        }
        return this;
    }

    /** The throughput targets that apply on this JDK. */
    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("tcp+noise+yamux ≥ 85% of ChaChaPipe", vsCeiling(NOISE), 0.85));
        if (jdkFeature >= 25) {
            targets.add(new Target("tcp+noise+yamux ≥ 3× js↔js (JDK 25)", vsJs(NOISE), 3));
            targets.add(new Target("tcp+tls+yamux ≥ 3× js↔js (JDK 25)", vsJs(TLS), 3));
        }
        targets.add(new Target("quic-v1 ≥ 80% of QuicPipe", vsCeiling(QUIC), 0.8));
        targets.add(new Target("quic-v1 ≥ 2× js↔js", vsJs(QUIC), 2));
        return targets;
    }

    private double vsCeiling(String stack) {
        return peerfluxRow(stack).mapToDouble(Row::vsCeiling).findFirst().orElse(Double.NaN);
    }

    private double vsJs(String stack) {
        return peerfluxRow(stack).mapToDouble(Row::vsJs).findFirst().orElse(Double.NaN);
    }

    private Stream<Row> peerfluxRow(String stack) {
        return rows.stream().filter(r -> r.pair().equals(PF_PF) && r.stack().equals(stack));
    }

    void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        String stem = "compare-" + time.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path csv = directory.resolve(stem + ".csv");
        List<String> lines = new ArrayList<>();
        lines.add("pair,stack,median_gbps,min_gbps,max_gbps,upload_median_gbps,runs_ok,runs,ceiling,"
                + "ratio_ceiling,ratio_js,download_gbps_runs,bytes,jdk,time");
        for (Row row : rows) {
            lines.add(String.join(",", row.pair(), row.stack(), plain(row.median()), plain(row.min()),
                    plain(row.max()), plain(row.uploadMedian()), Integer.toString(row.ok()), Integer.toString(runs),
                    row.ceiling(), plain(row.vsCeiling()), plain(row.vsJs()),
                    Arrays.stream(row.downloads()).mapToObj(Report::plain).collect(Collectors.joining(" ")),
                    Long.toString(bytes), "\"" + jdk + "\"", time.toString()));
        }
        Files.write(csv, lines);
        Path png = directory.resolve(stem + ".png");
        BitmapEncoder.saveBitmap(chart(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + csv + " and " + png);
    }

    /** Grouped bars: a group per stack, a bar per pair (the ceiling bar is that stack's ceiling pipe). */
    private CategoryChart chart() {
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(650)
                .title("Download throughput, median of " + runs + " × " + (bytes >> 20) + " MiB — " + jdk)
                .xAxisTitle("stack").yAxisTitle("Gbit/s").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("0.00");
        List<String> categories = new ArrayList<>(STACKS);
        categories.add(0, "tcp (no crypto)");
        for (String pair : PAIRS) {
            List<Double> values = new ArrayList<>();
            for (String category : categories) {
                String stack = pair.equals(CEILING) ? ceilingOf(category) : category;
                double value = find(pair, stack);
                values.add(Double.isNaN(value) ? null : value); // no bar
            }
            if (values.stream().anyMatch(v -> v != null)) {
                chart.addSeries(pair.equals(CEILING) ? "ceiling pipe" : pair, categories, values);
            }
        }
        return chart;
    }

    private static String ceilingOf(String category) {
        return switch (category) {
            case QUIC -> "QuicPipe";
            case NOISE, TLS -> "ChaChaPipe";
            default -> "TcpPipe";
        };
    }

    private static double[] measured(List<Sample> samples, ToDoubleFunction<Sample> figure) {
        return samples.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).sorted().toArray();
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    private static double max(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    private static String fixed(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String percent(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.0f%%", value * 100);
    }

    private static String ratio(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f×", value);
    }

    private static String plain(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
    }
}
