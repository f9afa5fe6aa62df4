package io.peerflux.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak's short variant, for CI: {@link Soak} with 500 connections × 10 streams between two JVMs, each at
 * PARANOID leak detection. Passes only if every stream echoed its bytes intact, every connection stayed open, neither
 * JVM leaked a buffer, and their peak resident sets stay within {@value #LIMIT_MIB} MiB together. The full run is
 * {@code benchmarks/soak.sh}.
 */
class SoakTest {

    static final int CONNECTIONS = 500;
    static final int STREAMS = 10;
    static final int LIMIT_MIB = 1536;

    @Test
    @Timeout(180)
    void fiveThousandStreamsEchoIntactWithoutLeaksWithinTheMemoryLimit() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "soak-test"));
        Process server = soak(logs.resolve("server.log"), "server").start();
        Process client = null;
        try {
            BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String listening = serverOut.readLine();
            assertThat(listening).as("the server's first line").startsWith("listening ");

            client = soak(logs.resolve("client.log"), "client", listening.substring("listening ".length()),
                    Integer.toString(CONNECTIONS), Integer.toString(STREAMS), "1024", Integer.toString(LIMIT_MIB), "1")
                    .start();
            client.getOutputStream().close();
            String report = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(120, TimeUnit.SECONDS)).as("the client finishes").isTrue();
            System.out.print(report);
            assertThat(report).contains("soak result ok=true", "lost=0", "clientLeaks=0",
                    "openAfterHold=" + CONNECTIONS, "streams=" + CONNECTIONS * STREAMS);
            assertThat(client.exitValue()).as("client exit status").isZero();

            server.getOutputStream().close();
            String serverReport = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the server finishes").isTrue();
            System.out.print(serverReport);
            assertThat(serverReport).contains("server leaks 0 (leak detection PARANOID)");
            assertThat(server.exitValue()).as("server exit status").isZero();
        } finally {
            server.destroyForcibly();
            if (client != null) {
                client.destroyForcibly();
            }
        }
    }

    private static ProcessBuilder soak(Path log, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:MaxDirectMemorySize=512m",
                "-Dio.netty.leakDetection.level=PARANOID",
                "-Dio.netty.customResourceLeakDetector=" + CountingLeakDetector.class.getName(),
                "-cp", System.getProperty("java.class.path"), Soak.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
    }
}
