package io.peerflux.benchmarks.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerflux.protocol.perf.PerfResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The comparison of issue 4, launched by {@code benchmarks/compare.sh}: on one JDK (this JVM's), in one run, measures
 * the ceiling pipes, Peerflux↔Peerflux and js-libp2p↔js-libp2p {@code /perf/1.0.0} over tcp+noise+yamux,
 * tcp+tls+yamux and quic-v1, and Peerflux↔js-libp2p both ways; then prints the medians, the ratios and the issue's
 * targets met or missed, and writes them as CSV and a PNG chart (see {@link Report}).
 *
 * <p>How: every party lives as long as the comparison, so that what is measured is each one's steady state, not its
 * start-up: the listeners are processes started once (Peerflux {@code peerflux node --protocols perf}, the interop
 * {@code peer.mjs}), the js client is one {@code peer.mjs} process, each ceiling program is one JVM serving transfers
 * on request ({@code --serve}), and the Peerflux client runs in this JVM ({@link PeerfluxClient}). (A ceiling pipe
 * in this JVM ran a quarter slower on JDK 25 than on its own: the two share the JIT's profile of the cipher.) A measurement is one transfer of {@code --bytes}
 * (Peerflux and js on a new connection). Each round measures every case once, starting one case later than the round
 * before, so slow drifts of a shared machine spread over all cases; the first {@code --warmup} rounds are not counted
 * (a fresh JVM needs a few gigabytes before the JIT has settled: its first gigabyte over Noise ran at a third of the
 * steady speed). The headline direction is download (server to client, what {@code /perf} calls download);
 * {@code --upload} measures the other direction in the same perf runs.
 *
 * <p>Usage: {@code Compare [--bytes N] [--runs R] [--warmup W] [--upload] [--only REGEX] [--out DIR]}, from the
 * repository root. System properties {@code peerflux.*} of this JVM apply to the Peerflux client here and are passed
 * to the Java children (e.g. {@code -Dpeerflux.chacha.provider=Conscrypt}).
 */
public final class Compare {

    static final String CEILING = "ceiling";
    static final String PF_PF = "Peerflux↔Peerflux";
    static final String JS_JS = "js↔js";
    static final String PF_JS = "Peerflux dials js";
    static final String JS_PF = "js dials Peerflux";
    static final String NOISE = "tcp+noise+yamux";
    static final String TLS = "tcp+tls+yamux";
    static final String QUIC = "quic-v1";

    /** The first line a listener (Peerflux node or peer.mjs) prints: its peer id and addresses. */
    private static final Predicate<JsonNode> READY = line -> line.has("addrs");

    private final long bytes;
    private final long upload;
    private final Path root;
    private final String java;
    private final List<String> javaProperties = new ArrayList<>();
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private PeerfluxClient peerfluxClient;
    private Child jsClient;
    private int jsRequest;

    /** A measured case: one row of the table. */
    record Case(String pair, String stack, Measurement measurement) {
        String label() {
            return pair + " " + stack;
        }
    }

    /** One measurement of a case: Gbit/s down (the headline) and up ({@code NaN} where not measured). */
    record Sample(double download, double upload) {
        static final Sample FAILED = new Sample(Double.NaN, Double.NaN);
    }

    interface Measurement {
        Sample measure() throws Exception;
    }

    /** A long-lived child (a listener or a ceiling program) and the line it printed when ready. */
    private record Listener(Child child, JsonNode ready) {

        /** The 127.0.0.1 address of {@code stack}'s transport, with its /p2p part. */
        String address(String stack) throws IOException {
            for (JsonNode node : ready.path("addrs")) {
                String addr = node.asText();
                boolean quic = addr.contains("/quic-v1");
                boolean tcp = addr.contains("/tcp/") && !addr.contains("/ws");
                if (addr.startsWith("/ip4/127.0.0.1/") && (stack.equals(QUIC) ? quic : tcp)) {
                    return addr.contains("/p2p/") ? addr : addr + "/p2p/" + ready.path("peerId").asText();
                }
            }
            throw new IOException("no " + stack + " address in " + ready);
        }
    }

    private Compare(long bytes, boolean upload, Path root) {
        this.bytes = bytes;
        this.upload = upload ? bytes : 0;
        this.root = root;
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("peerflux."))
                .forEach(name -> javaProperties.add("-D" + name + "=" + System.getProperty(name)));
    }

    public static void main(String[] args) throws Exception {
        long bytes = 512L << 20;
        int runs = 5;
        int warmup = 6;
        boolean upload = false;
        Pattern only = Pattern.compile(".*");
        Path out = Path.of("benchmarks", "results");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bytes" -> bytes = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--upload" -> upload = true;
                case "--only" -> only = Pattern.compile(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i] + "\nusage: Compare [--bytes N] [--runs R] "
                            + "[--warmup W] [--upload] [--only REGEX] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Compare compare = new Compare(bytes, upload, Path.of("").toAbsolutePath());
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        System.out.println("JDK: " + jdk + " (" + System.getProperty("java.home") + ")");
        System.out.printf(Locale.ROOT, "%d MiB per transfer, %d counted rounds after %d warm-up rounds, download%s%n",
                bytes >> 20, runs, warmup, upload ? " and upload" : "");
        List<Case> cases = new ArrayList<>();
        for (Case c : compare.cases()) {
            if (only.matcher(c.label()).find()) {
                cases.add(c);
            }
        }
        Map<Case, List<Sample>> samples = new LinkedHashMap<>();
        cases.forEach(c -> samples.put(c, new ArrayList<>()));
        try {
            for (int round = -warmup; round < runs; round++) {
                String name = round < 0 ? String.format(Locale.ROOT, "warm-up %d/%d", round + warmup + 1, warmup)
                        : String.format(Locale.ROOT, "round %d/%d", round + 1, runs);
                for (int k = 0; k < cases.size(); k++) {
                    Case c = cases.get(Math.floorMod(round + k, cases.size()));
                    Sample sample = compare.measureOnce(c);
                    if (round >= 0) {
                        samples.get(c).add(sample);
                    }
                    System.err.printf(Locale.ROOT, "[%s] %-40s %s%n", name, c.label(),
                            Double.isNaN(sample.download()) ? "FAILED" : String.format(Locale.ROOT,
                                    "%.3f Gbit/s", sample.download()));
                }
            }
        } finally {
            compare.stop();
        }
        new Report(jdk, Runtime.version().feature(), bytes, runs, samples).print(System.out).write(out);
        System.exit(0);
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case(CEILING, "TcpPipe", () -> ceiling("TcpPipe")));
        cases.add(new Case(CEILING, "ChaChaPipe", () -> ceiling("ChaChaPipe")));
        cases.add(new Case(CEILING, "QuicPipe", () -> ceiling("QuicPipe")));
        for (String stack : List.of(NOISE, TLS, QUIC)) {
            cases.add(new Case(PF_PF, stack, () -> peerfluxClient(stack, peerfluxListener(stack))));
            cases.add(new Case(JS_JS, stack, () -> jsClient(jsListener(stack))));
            cases.add(new Case(PF_JS, stack, () -> peerfluxClient(stack, jsListener(stack))));
            cases.add(new Case(JS_PF, stack, () -> jsClient(peerfluxListener(stack))));
        }
        return cases;
    }

    private Sample measureOnce(Case c) {
        try {
            return c.measurement().measure();
        } catch (Exception e) {
            System.err.println(c.label() + " failed: " + e);
            return Sample.FAILED;
        }
    }

    /** One transfer over the ceiling program {@code program}, a child JVM started on first use and kept running. */
    private Sample ceiling(String program) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(javaProperties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "io.peerflux.benchmarks.ceiling." + program, "--serve"));
        Child child = listener(program, command, line -> line.has("ready")).child();
        child.send(Child.JSON.getNodeFactory().numberNode(bytes));
        return new Sample(child.await(line -> line.has("gbps"), clientTimeout()).get("gbps").asDouble(), Double.NaN);
    }

    /** One perf run by this JVM's Peerflux client, offering only {@code stack}'s security. */
    private Sample peerfluxClient(String stack, String address) {
        if (peerfluxClient == null) {
            peerfluxClient = new PeerfluxClient();
        }
        PerfResult run = peerfluxClient.perf(address, stack.equals(TLS), upload, bytes, clientTimeout());
        return new Sample(gbps(run.downloadBytes(), run.downloadNanos() / 1e9),
                upload == 0 ? Double.NaN : gbps(run.uploadBytes(), run.uploadNanos() / 1e9));
    }

    /** One perf request to the long-lived js client. */
    private Sample jsClient(String address) throws Exception {
        if (jsClient == null) {
            jsClient = Child.start("js client", List.of("node", root.resolve("interop/peer.mjs").toString(),
                    "--listen", "/ip4/127.0.0.1/tcp/0"));
            jsClient.await(READY, Duration.ofSeconds(60));
        }
        int id = ++jsRequest;
        ObjectNode request = Child.JSON.createObjectNode().put("id", id).put("cmd", "perf")
                .put("addr", address).put("upload", upload).put("download", bytes);
        jsClient.send(request);
        JsonNode reply = jsClient.await(line -> line.path("id").asInt() == id, clientTimeout());
        if (!reply.path("ok").asBoolean()) {
            throw new IOException("js perf failed: " + reply.path("error").asText());
        }
        return perfSample(reply);
    }

    private Sample perfSample(JsonNode run) {
        double down = gbps(run.get("downloadBytes").asLong(), run.get("downloadSeconds").asDouble());
        double up = upload == 0 ? Double.NaN
                : gbps(run.get("uploadBytes").asLong(), run.get("uploadSeconds").asDouble());
        return new Sample(down, up);
    }

    /**
     * The Peerflux listener's address for {@code stack}: one node for tcp+noise and QUIC, one offering only TLS (a
     * dialer offering Noise and TLS would otherwise get Noise).
     */
    private String peerfluxListener(String stack) throws Exception {
        boolean tls = stack.equals(TLS);
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(javaProperties);
        command.addAll(List.of("-jar", jar("samples/target/peerflux.jar"), "node", "--protocols", "perf",
                "--listen", "/ip4/127.0.0.1/tcp/0"));
        command.addAll(tls ? List.of("--security", "tls")
                : List.of("--listen", "/ip4/127.0.0.1/udp/0/quic-v1", "--security", "noise"));
        return listener(tls ? "peerflux-tls" : "peerflux", command).address(stack);
    }

    /** The js listener's address for {@code stack}: one for tcp (Noise preferred) and QUIC, one offering only TLS. */
    private String jsListener(String stack) throws Exception {
        boolean tls = stack.equals(TLS);
        List<String> command = new ArrayList<>(List.of("node", root.resolve("interop/peer.mjs").toString(),
                "--listen", "/ip4/127.0.0.1/tcp/0"));
        command.addAll(tls ? List.of("--security", "tls") : List.of("--listen", "/ip4/127.0.0.1/udp/0/quic-v1"));
        return listener(tls ? "js-tls" : "js", command).address(stack);
    }

    /** The listener called {@code name}, started with {@code command} on first use. */
    private Listener listener(String name, List<String> command) throws Exception {
        return listener(name, command, READY);
    }

    /** The long-lived child called {@code name}, started with {@code command} on first use, once it is ready. */
    private Listener listener(String name, List<String> command, Predicate<JsonNode> ready) throws Exception {
        Listener listener = listeners.get(name);
        if (listener == null) {
            Child child = Child.start(name, command);
            listener = new Listener(child, child.await(ready, Duration.ofSeconds(60)));
            listeners.put(name, listener);
        }
        return listener;
    }

    private void stop() throws Exception {
        if (peerfluxClient != null) {
            peerfluxClient.close();
        }
        if (jsClient != null) {
            jsClient.close();
        }
        for (Listener listener : listeners.values()) {
            listener.child().close();
        }
    }

    private String jar(String path) throws IOException {
        Path jar = root.resolve(path);
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: build with ./mvnw -B -q -pl samples,benchmarks -am package "
                    + "-DskipTests");
        }
        return jar.toString();
    }

    /** Generous: a transfer at 0.05 Gbit/s, plus a connection set-up. */
    private Duration clientTimeout() {
        return Duration.ofSeconds(30 + (bytes + upload) * 8 / 50_000_000);
    }

    static double gbps(long bytes, double seconds) {
        return bytes * 8 / seconds / 1e9;
    }
}
