package io.peerflux.benchmarks.compare;

import static io.peerflux.benchmarks.compare.Compare.CEILING;
import static io.peerflux.benchmarks.compare.Compare.JS_JS;
import static io.peerflux.benchmarks.compare.Compare.NOISE;
import static io.peerflux.benchmarks.compare.Compare.PF_PF;
import static io.peerflux.benchmarks.compare.Compare.QUIC;
import static io.peerflux.benchmarks.compare.Compare.TLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.peerflux.benchmarks.compare.Compare.Case;
import io.peerflux.benchmarks.compare.Compare.Sample;
import io.peerflux.benchmarks.compare.Report.Target;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @Test
    void mediansIgnoreFailedRunsAndRatiosUseTheRightCeilingAndJsRow() {
        Report report = report(25);

        assertThat(report.targets()).extracting(Target::text).containsExactly(
                "tcp+noise+yamux ≥ 85% of ChaChaPipe", "tcp+noise+yamux ≥ 3× js↔js (JDK 25)",
                "tcp+tls+yamux ≥ 3× js↔js (JDK 25)", "quic-v1 ≥ 80% of QuicPipe", "quic-v1 ≥ 2× js↔js");
        // noise: median 9 (the failed run is left out) over ChaChaPipe's 10 and js's 3.
        assertThat(report.targets().get(0).ratio()).isCloseTo(0.9, within(1e-9));
        assertThat(report.targets().get(0).met()).isTrue();
        assertThat(report.targets().get(1).ratio()).isCloseTo(3.0, within(1e-9));
        assertThat(report.targets().get(1).met()).isTrue();
        // tls: 6 over js's 4; quic: 2 over QuicPipe's 2.5 and js's 3.
        assertThat(report.targets().get(2).ratio()).isCloseTo(1.5, within(1e-9));
        assertThat(report.targets().get(2).met()).isFalse();
        assertThat(report.targets().get(3).ratio()).isCloseTo(0.8, within(1e-9));
        assertThat(report.targets().get(3).met()).isTrue();
        assertThat(report.targets().get(4).met()).isFalse();
    }

    @Test
    void jdk25TargetsAreLeftOutOnOtherJdks() {
        assertThat(report(17).targets()).extracting(Target::text).noneMatch(text -> text.contains("JDK 25"));
    }

    @Test
    void printsVerdictsAndWritesCsvAndChart(@TempDir Path directory) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        report(25).print(new PrintStream(printed, true, StandardCharsets.UTF_8)).write(directory);

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .containsPattern("tcp\\+noise\\+yamux ≥ 85% of ChaChaPipe\\s+90%\\s+met")
                .containsPattern("tcp\\+tls\\+yamux ≥ 3× js↔js \\(JDK 25\\)\\s+1\\.50×\\s+MISSED");
        List<Path> files;
        try (var listing = Files.list(directory)) {
            files = listing.sorted().toList();
        }
        assertThat(files).hasSize(2);
        List<String> csv = Files.readAllLines(files.get(0));
        assertThat(csv.get(0)).startsWith("pair,stack,median_gbps");
        assertThat(csv).anyMatch(line -> line.startsWith(PF_PF + "," + NOISE + ",9.0000,8.0000,10.0000,,3,4,"
                + "ChaChaPipe,0.9000,3.0000,"));
        assertThat(Files.size(files.get(1))).isPositive();
    }

    private static Report report(int jdkFeature) {
        Map<Case, List<Sample>> samples = new LinkedHashMap<>();
        put(samples, CEILING, "ChaChaPipe", 10, 10, 10, 10);
        put(samples, CEILING, "QuicPipe", 2.5, 2.5, 2.5, 2.5);
        put(samples, PF_PF, NOISE, 8, Double.NaN, 9, 10);
        put(samples, JS_JS, NOISE, 3, 3, 3, 3);
        put(samples, PF_PF, TLS, 6, 6, 6, 6);
        put(samples, JS_JS, TLS, 4, 4, 4, 4);
        put(samples, PF_PF, QUIC, 2, 2, 2, 2);
        put(samples, JS_JS, QUIC, 3, 3, 3, 3);
        return new Report("test JDK", jdkFeature, 1 << 20, 4, samples);
    }

    private static void put(Map<Case, List<Sample>> samples, String pair, String stack, double... downloads) {
        samples.put(new Case(pair, stack, () -> Sample.FAILED),
                DoubleStream.of(downloads).mapToObj(d -> new Sample(d, Double.NaN)).toList());
    }
}
