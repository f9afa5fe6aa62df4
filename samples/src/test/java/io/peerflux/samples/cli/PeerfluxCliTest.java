package io.peerflux.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user runs it: separate JVMs, JSON lines on stdout, exit codes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerfluxCliTest {

    static final ObjectMapper JSON = new ObjectMapper();

    Process node;
    JsonNode ready;

    record Result(int exitCode, List<JsonNode> lines, String stderr) {
    }

    static ProcessBuilder cli(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), PeerfluxCli.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    static Result run(String... args) throws Exception {
        Process process = cli(args).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return new Result(process.exitValue(), lines, err);
    }

    @BeforeAll
    void startNode(@TempDir Path dir) throws Exception {
        node = cli("node", "--identity", dir.resolve("key").toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        ready = JSON.readTree(out.readLine());
    }

    @AfterAll
    void stopNode() throws Exception {
        node.getOutputStream().close();
        assertThat(node.waitFor(20, TimeUnit.SECONDS)).as("node exits when stdin closes").isTrue();
        assertThat(node.exitValue()).isZero();
    }

    String address() {
        return ready.get("addrs").get(0).asText();
    }

    @Test
    void nodePrintsItsIdentityAddressesAndProtocols() {
        assertThat(ready.get("peerId").asText()).startsWith("12D3KooW");
        assertThat(address()).startsWith("/ip4/127.0.0.1/tcp/").endsWith("/p2p/" + ready.get("peerId").asText());
        List<String> protocols = new ArrayList<>();
        ready.get("protocols").forEach(p -> protocols.add(p.asText()));
        assertThat(protocols).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/echo/1.0.0");
    }

    @Test
    void identityFileIsReused(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("id.key");
        Process first = cli("node", "--identity", key.toString()).start();
        String firstId = JSON.readTree(new BufferedReader(new InputStreamReader(first.getInputStream())).readLine())
                .get("peerId").asText();
        first.getOutputStream().close();
        first.waitFor(20, TimeUnit.SECONDS);
        assertThat(Files.size(key)).isPositive();
        Process second = cli("node", "--identity", key.toString()).start();
        String secondId = JSON.readTree(new BufferedReader(new InputStreamReader(second.getInputStream())).readLine())
                .get("peerId").asText();
        second.getOutputStream().close();
        second.waitFor(20, TimeUnit.SECONDS);
        assertThat(secondId).isEqualTo(firstId);
    }

    @Test
    void pingPrintsOneLinePerPing() throws Exception {
        Result result = run("ping", address(), "--count", "3");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.lines()).hasSize(3).allSatisfy(l -> assertThat(l.get("rttMillis").asDouble()).isPositive());
    }

    @Test
    void identifyPrintsTheRemoteRecord() throws Exception {
        Result result = run("identify", address());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode record = result.lines().get(0);
        assertThat(record.get("peerId").asText()).isEqualTo(ready.get("peerId").asText());
        assertThat(record.get("agentVersion").asText()).startsWith("peerflux/");
        assertThat(record.get("protocolVersion").asText()).isEqualTo("ipfs/0.1.0");
        assertThat(record.get("publicKey").asText()).isEqualTo("ED25519");
        assertThat(record.get("observedAddr").asText()).startsWith("/ip4/127.0.0.1/tcp/");
        assertThat(record.get("listenAddrs").get(0).asText() + "/p2p/" + record.get("peerId").asText())
                .isEqualTo(address());
    }

    @Test
    void echoVerifiesTheReply() throws Exception {
        Result result = run("echo", address(), "--bytes", "1000000");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.lines().get(0).get("bytes").asLong()).isEqualTo(1_000_000);
        assertThat(result.lines().get(0).get("millis").asDouble()).isPositive();
    }

    @Test
    void tlsMplexAndWebSocketAreSelectable(@TempDir Path dir) throws Exception {
        Process other = cli("node", "--listen", "/ip4/127.0.0.1/tcp/0/ws", "--security", "tls", "--muxer", "mplex")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            JsonNode otherReady = JSON.readTree(new BufferedReader(new InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8)).readLine());
            String address = otherReady.get("addrs").get(0).asText();
            assertThat(address).contains("/ws/p2p/");
            Result result = run("echo", address, "--bytes", "100000", "--security", "tls", "--muxer", "mplex");
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            Result mismatch = run("ping", address, "--security", "noise");
            assertThat(mismatch.exitCode()).isNotZero();
        } finally {
            other.getOutputStream().close();
            other.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void quicListenAndDial() throws Exception {
        Process other = cli("node", "--listen", "/ip4/127.0.0.1/udp/0/quic-v1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            JsonNode otherReady = JSON.readTree(new BufferedReader(new InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8)).readLine());
            String address = otherReady.get("addrs").get(0).asText();
            assertThat(address).contains("/quic-v1/p2p/");
            Result result = run("echo", address, "--bytes", "100000");
            assertThat(result.exitCode()).as(result.stderr()).isZero();
        } finally {
            other.getOutputStream().close();
            other.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void failureExitsNonZeroWithAMessageOnStderr() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        Result result = run("ping", "/ip4/127.0.0.1/tcp/" + port);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.lines()).isEmpty();
        assertThat(result.stderr()).contains("/ip4/127.0.0.1/tcp/" + port).contains("refused");
    }

    @Test
    void badAddressExitsNonZero() throws Exception {
        Result result = run("ping", "/ip4/999.1.1.1/tcp/1");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("999.1.1.1");
    }
}
