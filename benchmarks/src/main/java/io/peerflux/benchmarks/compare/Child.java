package io.peerflux.benchmarks.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process that speaks JSON lines: its stdout lines are parsed as they come (other lines are echoed to our
 * stderr), stdin takes commands, stderr goes to ours with the child's name in front. Closing stdin asks it to stop.
 */
final class Child implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode END = JSON.createObjectNode();

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

    private Child(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        daemon(name + "-out", () -> {
            try (BufferedReader out = reader(process.getInputStream())) {
                for (String line; (line = out.readLine()) != null; ) {
                    JsonNode json = parse(line);
                    if (json != null) {
                        lines.add(json);
                    } else if (!line.isBlank()) {
                        System.err.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            lines.add(END);
        });
        daemon(name + "-err", () -> {
            try (BufferedReader err = reader(process.getErrorStream())) {
                for (String line; (line = err.readLine()) != null; ) {
                    System.err.println("[" + name + "] " + line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }

    static Child start(String name, List<String> command) throws IOException {
        return new Child(name, new ProcessBuilder(command).start());
    }

    String name() {
        return name;
    }

    /** The next stdout JSON line that {@code wanted} accepts (others are skipped), within {@code timeout}. */
    JsonNode await(Predicate<JsonNode> wanted, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException(name + ": nothing within " + timeout);
            }
            if (line == END) {
                lines.add(END);
                throw new IOException(name + " ended (exit " + exitCode() + ")");
            }
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Every stdout JSON line until the process exits, which it must within {@code timeout}. */
    List<JsonNode> awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException(name + " did not finish within " + timeout);
        }
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode line; (line = lines.poll(5, TimeUnit.SECONDS)) != END && line != null; ) {
            all.add(line);
        }
        if (process.exitValue() != 0) {
            throw new IOException(name + " failed (exit " + process.exitValue() + ")");
        }
        return all;
    }

    void send(JsonNode command) throws IOException {
        stdin.write(JSON.writeValueAsString(command) + "\n");
        stdin.flush();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private String exitCode() {
        return process.isAlive() ? "none yet" : String.valueOf(process.exitValue());
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static BufferedReader reader(java.io.InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
