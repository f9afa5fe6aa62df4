package io.peerflux.faultlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process the {@link FaultLab} started in one of its namespaces ({@link FaultPeer} or {@link DelayRelay}): lines
 * to its stdin, and every line of its stdout kept with the time it arrived here, so a test can wait for an event and
 * time it on the test JVM's own clock.
 */
final class LabProcess implements AutoCloseable {

    /** A line of output and when the test JVM read it ({@link System#nanoTime()}). */
    record Line(long nanos, String text) {

        /** The line split on spaces into at most {@code limit} words; the last one keeps the rest of the line. */
        String[] words(int limit) {
            return text.split(" ", limit);
        }

        /** Milliseconds from {@code startNanos} to this line's arrival. */
        long millisAfter(long startNanos) {
            return (nanos - startNanos) / 1_000_000;
        }
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    LabProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "lab-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(new Line(System.nanoTime(), line));
            }
        } catch (IOException e) {
            // the process went away
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends one command line. */
    void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError(name + " does not take commands any more (exit " + exitStatus() + ")", e);
        }
    }

    /** The first line starting with {@code prefix}, waiting up to {@code timeout} for it. */
    Line await(String prefix, Duration timeout) {
        return await(l -> l.text().startsWith(prefix), prefix, timeout);
    }

    /** The first line matching {@code condition}, waiting up to {@code timeout} for it. */
    Line await(Predicate<Line> condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Line line : lines) {
                if (condition.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no '" + what + "' within " + timeout + (process.isAlive() ? ""
                        : " (exited with " + exitStatus() + ")") + "; its output:\n" + output());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** The first line starting with {@code prefix}, if one arrived. */
    Line find(String prefix) {
        return lines.stream().filter(l -> l.text().startsWith(prefix)).findFirst().orElse(null);
    }

    /** Everything it printed so far. */
    String output() {
        StringBuilder s = new StringBuilder();
        lines.forEach(l -> s.append("  ").append(l.text()).append('\n'));
        return s.toString();
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux), and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL for 10 s");
        }
    }

    /** Closes stdin, which asks it to finish, and returns its exit status. */
    int finish(Duration timeout) throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not finish within " + timeout + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    private String exitStatus() {
        return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
