package io.peerflux.samples.cli;

import static io.peerflux.samples.cli.PeerfluxCliTest.JSON;
import static io.peerflux.samples.cli.PeerfluxCliTest.cli;
import static io.peerflux.samples.cli.PeerfluxCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.samples.cli.PeerfluxCliTest.Result;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code peerflux perf} against {@code peerflux node --protocols perf}, each in its own JVM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerfCliTest {

    static final List<String> FIELDS = List.of("run", "uploadBytes", "uploadSeconds", "uploadGbps", "downloadBytes",
            "downloadSeconds", "downloadGbps");

    Process node;
    JsonNode ready;

    @BeforeAll
    void startNode() throws Exception {
        node = cli("node", "--protocols", "echo,perf").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ready = JSON.readTree(new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))
                .readLine());
    }

    @AfterAll
    void stopNode() throws Exception {
        node.getOutputStream().close();
        assertThat(node.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    String address() {
        return ready.get("addrs").get(0).asText();
    }

    @Test
    void nodeServesPerfOnlyWhenAsked() throws Exception {
        List<String> protocols = new ArrayList<>();
        ready.get("protocols").forEach(p -> protocols.add(p.asText()));
        assertThat(protocols).contains("/perf/1.0.0", "/echo/1.0.0");

        Process plain = cli("node").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            JsonNode plainReady = JSON.readTree(new BufferedReader(new InputStreamReader(plain.getInputStream(),
                    StandardCharsets.UTF_8)).readLine());
            assertThat(plainReady.get("protocols").toString()).doesNotContain("/perf/1.0.0");
            Result refused = run("perf", plainReady.get("addrs").get(0).asText(), "--download", "10");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.lines()).isEmpty();
            assertThat(refused.stderr()).startsWith("peerflux: ").contains("/perf/1.0.0");
        } finally {
            plain.getOutputStream().close();
            plain.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void printsOneLinePerRunWithExactCountsAndRates() throws Exception {
        Result result = run("perf", address(), "--upload", "3000001", "--download", "5000003", "--repeat", "3");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.lines()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode line = result.lines().get(i);
            List<String> fields = new ArrayList<>();
            line.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactlyElementsOf(FIELDS);
            assertThat(line.get("run").asInt()).isEqualTo(i + 1);
            assertThat(line.get("uploadBytes").asLong()).isEqualTo(3_000_001);
            assertThat(line.get("downloadBytes").asLong()).isEqualTo(5_000_003);
            assertThat(line.get("uploadSeconds").asDouble()).isPositive();
            assertThat(line.get("downloadSeconds").asDouble()).isPositive();
            assertThat(line.get("uploadGbps").asDouble()).isCloseTo(
                    3_000_001 * 8 / 1e9 / line.get("uploadSeconds").asDouble(), within(1e-6));
            assertThat(line.get("downloadGbps").asDouble()).isCloseTo(
                    5_000_003 * 8 / 1e9 / line.get("downloadSeconds").asDouble(), within(1e-6));
        }
    }

    @Test
    void emptyDirectionsReportZero() throws Exception {
        Result result = run("perf", address(), "--upload", "1000");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode line = result.lines().get(0);
        assertThat(line.get("uploadBytes").asLong()).isEqualTo(1000);
        assertThat(line.get("downloadBytes").asLong()).isZero();
        assertThat(line.get("downloadSeconds").asDouble()).isZero();
        assertThat(line.get("downloadGbps").asDouble()).isZero();
    }

    @Test
    void badArgumentsExitNonZero() throws Exception {
        Result result = run("perf", address(), "--upload", "-5");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("--upload");
    }
}
