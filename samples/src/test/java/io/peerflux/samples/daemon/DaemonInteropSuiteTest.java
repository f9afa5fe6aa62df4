package io.peerflux.samples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerflux.samples.cli.PeerfluxCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The libp2p interop suite ({@code @libp2p/interop}, run by {@code interop/suite/runner.mjs}) with js-libp2p in its
 * "js" slot and {@code peerflux daemon} (this module's classes, in a JVM per daemon) in its "go" slot.
 *
 * <p>The connect and streams groups (every key type × noise/tls/plaintext × mplex/yamux, both directions) and the dht
 * group (content fetching, content routing and peer routing between js and Peerflux DHT servers) must pass. The pubsub
 * and relay groups are run and their summary printed, without failing the build: the features they need are not built
 * yet. Each summary also goes to {@code target/interop-suite-<groups>.txt}, which {@code .ci/run} prints.
 */
class DaemonInteropSuiteTest {

    /** connection.tcp: js→go, go→js, js→js; streams: 3 key types × 3 directions × 3 secure channels × 2 muxers. */
    static final int CONNECT_AND_STREAMS_TESTS = 3 + 3 * 3 * 3 * 2;
    /**
     * dht: content fetching js/go × js/go (4), content routing the same without go→go, which the suite skips (3), peer
     * routing js/go × js/go (4).
     */
    static final int DHT_TESTS = 4 + 3 + 4;
    static final Duration GROUP_TIMEOUT = Duration.ofMinutes(20);
    /** Mocha's per-test timeout for groups that must pass, as the suite needs (daemons start in their own JVMs). */
    static final Duration REQUIRED_TEST_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Mocha's per-test timeout for the groups whose features are not built yet: their tests can only fail, most by
     * waiting out the timeout, so a shorter one keeps the run short; still ample for a daemon to start.
     */
    static final Duration NOT_BUILT_TEST_TIMEOUT = Duration.ofSeconds(15);

    record Summary(int exitCode, int passing, int failing, int pending, String output) {

        String line() {
            return passing + " passing, " + failing + " failing, " + pending + " pending (mocha exit " + exitCode + ")";
        }
    }

    @Test
    void connectAndStreamsGroupsPass() throws Exception {
        Summary summary = runSuite("connect,streams", REQUIRED_TEST_TIMEOUT);
        report("connect,streams", summary);
        assertThat(summary.failing()).as(summary.output()).isZero();
        assertThat(summary.exitCode()).as(summary.output()).isZero();
        assertThat(summary.passing()).as(summary.output()).isEqualTo(CONNECT_AND_STREAMS_TESTS);
    }

    @Test
    void dhtGroupPasses() throws Exception {
        Summary summary = runSuite("dht", REQUIRED_TEST_TIMEOUT);
        report("dht", summary);
        assertThat(summary.failing()).as(summary.output()).isZero();
        assertThat(summary.exitCode()).as(summary.output()).isZero();
        assertThat(summary.passing()).as(summary.output()).isEqualTo(DHT_TESTS);
    }

    /** Not built yet: pubsub and relay. Their results are printed, and a run that did not happen fails. */
    @Test
    void pubsubAndRelayGroupsAreRunAndReported() throws Exception {
        Summary summary = runSuite("pubsub,relay", NOT_BUILT_TEST_TIMEOUT);
        report("pubsub,relay (not built yet, not required)", summary);
        assertThat(summary.passing() + summary.failing()).as(summary.output()).isPositive();
    }

    static Summary runSuite(String groups, Duration testTimeout) throws IOException, InterruptedException {
        Path suite = suiteDir();
        List<String> daemon = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                PeerfluxCli.class.getName(), "daemon");
        ProcessBuilder mocha = new ProcessBuilder(suite.resolve("node_modules/.bin/mocha").toString(),
                "--timeout", Long.toString(testTimeout.toMillis()), "--exit", "--reporter", "spec", "runner.mjs")
                .directory(suite.toFile())
                .redirectErrorStream(true);
        mocha.environment().put("PEERFLUX_DAEMON", new ObjectMapper().writeValueAsString(daemon));
        mocha.environment().put("PEERFLUX_SUITE_GROUPS", groups);
        Process process = mocha.start();
        process.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("\n(reading mocha's output failed: ").append(e).append(')');
            }
        }, "mocha-output");
        reader.start();
        if (!process.waitFor(GROUP_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        String text = output.toString();
        System.out.println(text);
        return new Summary(process.waitFor(), count(text, "passing"), count(text, "failing"), count(text, "pending"),
                text);
    }

    /** The count in mocha's summary line "  N <word>", or 0 when the line is absent. */
    static int count(String output, String word) {
        Matcher m = Pattern.compile("^\\s+(\\d+) " + word + "\\b", Pattern.MULTILINE).matcher(output);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static void report(String groups, Summary summary) throws IOException {
        String line = "libp2p interop suite, " + groups + ": " + summary.line() + System.lineSeparator();
        System.out.print(line);
        Path file = Path.of("target", "interop-suite-" + groups.split(" ")[0].replace(',', '-') + ".txt");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, line);
    }

    /** {@code interop/suite}, with its npm packages installed (the build's process-test-resources does that). */
    static Path suiteDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("interop").resolve("suite");
            if (Files.isRegularFile(candidate.resolve("runner.mjs"))) {
                if (!Files.isDirectory(candidate.resolve("node_modules"))) {
                    throw new IllegalStateException("run npm install in " + candidate + " first");
                }
                return candidate;
            }
        }
        throw new IllegalStateException("interop/suite/runner.mjs not found above " + Path.of("").toAbsolutePath());
    }
}
