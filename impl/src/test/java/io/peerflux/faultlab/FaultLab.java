package io.peerflux.faultlab;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault lab: a small network of Linux network namespaces built for one test and torn down after it, where
 * Peerflux peers run as separate processes and the network between them drops, delays, partitions and forgets.
 *
 * <pre>
 *   namespace A (client)         namespace R (router)               namespace B (server)
 *   va 10.77.1.2 ─── veth ─── vra 10.77.1.1   vrb 10.77.2.1 ─── veth ─── vb 10.77.2.2
 *                              forwarding, masquerade A→B
 *                              nftables chain "faults"
 *                              DelayRelay on :4789 of both sides
 *   vxa 10.77.3.2 ═════════ VXLAN over UDP, through the relay ═════════ vxb 10.77.3.3
 * </pre>
 *
 * Two paths join A and B. The <b>routed path</b> (B's {@link #B_IP}) goes through R's kernel, which masquerades A's
 * connections (so conntrack holds NAT state, as in a home router) and applies the fault rules. The <b>delayed path</b>
 * (B's {@link #B_OVERLAY}) is a VXLAN overlay whose outer UDP datagrams go to {@link DelayRelay} in R, which holds
 * each for a delay with jitter (see its javadoc for why a datagram relay): every packet the peers exchange on it is
 * delayed, and the same fault rules see the datagrams on their way into the relay. This kernel has no netem, so
 * loss is an nftables rule ({@code numgen random mod 100 < N drop}) and delay is the relay's. Offloads (checksum,
 * TSO, GSO, GRO) are off on every link, so the stacks send MTU-sized packets and a rule drops one packet, not a
 * 64 KiB super-packet.
 *
 * <p>Names are unique per run ({@code pffl-<pid>-<n>-a|r|b}); {@link #close()} kills the lab's processes and deletes
 * its namespaces, which takes their links, nftables tables and conntrack state with them. Namespaces left by a test
 * JVM that died are deleted by the next lab. Nothing is changed in the namespace the tests run in.
 *
 * <p>Namespaces need root and {@code ip} (iproute2); where they cannot be created the tests are skipped with the
 * reason, unless the environment variable {@code PEERFLUX_FAULTLAB=required} is set (as {@code .ci/run} does), and
 * then they fail. {@code nft}, {@code ethtool} and {@code conntrack} are required wherever namespaces work.
 */
final class FaultLab implements AutoCloseable {

    static final String A_IP = "10.77.1.2";
    static final String R_A_IP = "10.77.1.1";
    static final String R_B_IP = "10.77.2.1";
    static final String B_IP = "10.77.2.2";
    static final String A_OVERLAY = "10.77.3.2";
    static final String B_OVERLAY = "10.77.3.3";
    static final int VXLAN_PORT = 4789;

    private static final String PREFIX = "pffl-";
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final Set<FaultLab> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile String unavailable;
    private static volatile boolean checked;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(FaultLab::close), "faultlab-cleanup"));
    }

    private final String name;
    private final String a;
    private final String r;
    private final String b;
    private final Path logs;
    private final List<LabProcess> processes = new ArrayList<>();
    private final List<String> created = new ArrayList<>();

    private FaultLab(String name) {
        this.name = name;
        String base = PREFIX + ProcessHandle.current().pid() + "-" + LABS.incrementAndGet() + "-";
        this.a = base + "a";
        this.r = base + "r";
        this.b = base + "b";
        this.logs = Path.of("target", "faultlab", name);
    }

    /**
     * Builds a lab for the test {@code name} (its processes log to {@code target/faultlab/NAME/}); skips the test
     * when namespaces cannot be created here (see the class comment).
     */
    static FaultLab create(String name) {
        requireNamespaces();
        FaultLab lab = new FaultLab(name);
        OPEN.add(lab);
        try {
            Files.createDirectories(lab.logs);
            lab.build();
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw new IllegalStateException("building the fault lab failed", e);
        }
        return lab;
    }

    // ---- topology ----

    private void build() {
        for (String ns : List.of(a, r, b)) {
            run(IP, "netns", "add", ns);
            created.add(ns);
            run(IP, "-n", ns, "link", "set", "lo", "up");
            // No IPv6: its neighbour discovery and router solicitations would only add packets to every capture.
            sysctl(ns, "net/ipv6/conf/all/disable_ipv6", "1");
            sysctl(ns, "net/ipv6/conf/default/disable_ipv6", "1");
        }
        run(IP, "-n", a, "link", "add", "name", "va", "type", "veth", "peer", "name", "vra", "netns", r);
        run(IP, "-n", b, "link", "add", "name", "vb", "type", "veth", "peer", "name", "vrb", "netns", r);
        address(a, "va", A_IP);
        address(r, "vra", R_A_IP);
        address(r, "vrb", R_B_IP);
        address(b, "vb", B_IP);
        run(IP, "-n", a, "route", "add", "default", "via", R_A_IP);
        run(IP, "-n", b, "route", "add", "default", "via", R_B_IP);
        sysctl(r, "net/ipv4/ip_forward", "1");
        run(IP, "-n", a, "link", "add", "name", "vxa", "type", "vxlan", "id", "42", "local", A_IP, "remote", R_A_IP,
                "dstport", Integer.toString(VXLAN_PORT), "dev", "va");
        run(IP, "-n", b, "link", "add", "name", "vxb", "type", "vxlan", "id", "42", "local", B_IP, "remote", R_B_IP,
                "dstport", Integer.toString(VXLAN_PORT), "dev", "vb");
        address(a, "vxa", A_OVERLAY);
        address(b, "vxb", B_OVERLAY);
        for (String[] link : new String[][] {{a, "va"}, {a, "vxa"}, {r, "vra"}, {r, "vrb"}, {b, "vb"}, {b, "vxb"}}) {
            run(IP, "netns", "exec", link[0], ETHTOOL, "-K", link[1], "tx", "off", "tso", "off", "gso", "off",
                    "gro", "off");
        }
        nft("""
                table inet faultlab {
                  chain faults {
                  }
                  chain input {
                    type filter hook input priority 0; policy accept;
                    udp dport %d jump faults
                  }
                  chain forward {
                    type filter hook forward priority 0; policy accept;
                    jump faults
                  }
                }
                table ip faultlab_nat {
                  chain postrouting {
                    type nat hook postrouting priority 100; policy accept;
                    ip saddr 10.77.1.0/24 oifname "vrb" masquerade
                  }
                }
                """.formatted(VXLAN_PORT));
    }

    private void address(String ns, String link, String ip) {
        run(IP, "-n", ns, "addr", "add", ip + "/24", "dev", link);
        run(IP, "-n", ns, "link", "set", link, "up");
    }

    private void sysctl(String ns, String key, String value) {
        run(IP, "netns", "exec", ns, "sh", "-c", "echo " + value + " > /proc/sys/" + key);
    }

    private void nft(String script) {
        runWithInput(script, IP, "netns", "exec", r, NFT, "-f", "-");
    }

    // ---- faults ----

    /** Drops {@code percent} of the packets crossing R, on both paths and in both directions. */
    void loss(int percent) {
        faults("numgen random mod 100 < " + percent + " counter drop");
    }

    /** Drops every packet crossing R: the peers can no longer reach each other, and nothing tells them so. */
    void partition() {
        faults("counter drop");
    }

    /**
     * The packets the fault rules dropped so far (their {@code counter}s), so a test can show its fault was really
     * applied.
     */
    long dropped() {
        return run(IP, "netns", "exec", r, NFT, "list", "chain", "inet", "faultlab", "faults").lines()
                .map(String::trim)
                .filter(l -> l.contains("counter packets "))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*counter packets (\\d+).*", "$1")))
                .sum();
    }

    /** Removes every fault rule. */
    void heal() {
        faults();
    }

    /** Replaces the fault rules with {@code rules} (nftables rule statements, applied in order). */
    void faults(String... rules) {
        StringBuilder script = new StringBuilder("flush chain inet faultlab faults\n");
        for (String rule : rules) {
            script.append("add rule inet faultlab faults ").append(rule).append('\n');
        }
        nft(script.toString());
    }

    /**
     * Makes R's NAT pick a random source port for each new mapping ({@code masquerade fully-random}), as many
     * home and carrier NATs do, instead of keeping the connection's own port when it is free (Linux's default).
     */
    void randomizeNatPorts() {
        nft("""
                flush chain ip faultlab_nat postrouting
                add rule ip faultlab_nat postrouting ip saddr 10.77.1.0/24 oifname "vrb" masquerade fully-random
                """);
    }

    /** Empties R's connection tracking table ({@code conntrack -F}): every NAT mapping is forgotten at once. */
    void flushConntrack() {
        run(IP, "netns", "exec", r, CONNTRACK, "-F");
    }

    /** The NAT mappings R holds now, one {@code conntrack -L} line each. */
    List<String> conntrack() {
        return run(IP, "netns", "exec", r, CONNTRACK, "-L").lines().filter(l -> l.contains("dport=")).toList();
    }

    /**
     * The kernel's view of the client's TCP connections' round trip ({@code ss -ti} in A): {@code rtt:} smoothed
     * and its variance, {@code minrtt:} the smallest seen, in milliseconds. The delay the network adds, without the
     * peers' own processing time.
     */
    String clientTcpRtt() {
        return run(IP, "netns", "exec", a, "ss", "-tin", "state", "established").lines()
                .flatMap(l -> java.util.Arrays.stream(l.trim().split(" ")))
                .filter(w -> w.startsWith("rtt:") || w.startsWith("minrtt:"))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    // ---- processes ----

    /**
     * Starts the {@link DelayRelay} in R: from then on the delayed path ({@link #B_OVERLAY}) carries traffic,
     * each packet held {@code delay ± jitter}.
     */
    void relay(Duration delay, Duration jitter) {
        LabProcess relay = start(r, "relay", DelayRelay.class, R_A_IP + ":" + VXLAN_PORT, A_IP + ":" + VXLAN_PORT,
                R_B_IP + ":" + VXLAN_PORT, B_IP + ":" + VXLAN_PORT, Long.toString(delay.toNanos() / 1000),
                Long.toString(jitter.toNanos() / 1000), "1000");
        relay.await("relay ready", Duration.ofSeconds(30));
    }

    /** A {@link FaultPeer} in namespace A (the client side, behind R's NAT), dialing only. */
    LabPeer client(String transport, Duration keepAlive, Duration idleTimeout, Duration dialTimeout) {
        return peer(a, "client", transport, "-", keepAlive, idleTimeout, dialTimeout);
    }

    /** A {@link FaultPeer} in namespace B (the server side), listening on all its addresses. */
    LabPeer server(String transport, Duration keepAlive, Duration idleTimeout, Duration dialTimeout) {
        return peer(b, "server", transport, "0.0.0.0", keepAlive, idleTimeout, dialTimeout);
    }

    private LabPeer peer(String ns, String role, String transport, String listen, Duration keepAlive,
                         Duration idleTimeout, Duration dialTimeout) {
        LabProcess process = start(ns, role + "-" + transport, FaultPeer.class, transport, listen,
                Long.toString(keepAlive.toMillis()), Long.toString(idleTimeout.toMillis()),
                Long.toString(dialTimeout.toMillis()));
        return new LabPeer(process, transport);
    }

    /**
     * Runs {@code main} of the test classpath in namespace {@code ns}, with the test JVM's guards (leak detection,
     * and what BlockHound needs); its stderr goes to {@code target/faultlab/NAME/PROCESS.log}.
     */
    private LabProcess start(String ns, String processName, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(IP, "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Dio.netty.") || arg.startsWith("-Dpeerflux.")
                    || arg.equals("-XX:+AllowRedefinitionToAddDeleteMethods")) {
                command.add(arg);
            }
        }
        // For debugging a scenario, e.g. -Dfaultlab.jvmArgs=-Dorg.slf4j.simpleLogger.defaultLogLevel=debug
        String extra = System.getProperty("faultlab.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve(processName + ".log").toFile()))
                    .start();
            LabProcess started = new LabProcess(processName, process);
            synchronized (processes) {
                processes.add(started);
            }
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + main.getSimpleName() + " in " + ns, e);
        }
    }

    /** Kills the lab's processes and deletes its namespaces; safe to call more than once. */
    @Override
    public void close() {
        synchronized (processes) {
            processes.forEach(LabProcess::close);
            processes.clear();
        }
        for (String ns : created) {
            try {
                run(IP, "netns", "del", ns);
            } catch (RuntimeException e) {
                System.err.println("fault lab: " + e.getMessage());
            }
        }
        created.clear();
        OPEN.remove(this);
    }

    @Override
    public String toString() {
        return "FaultLab[" + name + " " + a + " " + r + " " + b + "]";
    }

    // ---- the host's tools ----

    static final String IP = tool("ip");
    static final String NFT = tool("nft");
    static final String ETHTOOL = tool("ethtool");
    static final String CONNTRACK = tool("conntrack");

    /** Skips (or, where the lab is required, fails) the test unless namespaces can be created here. */
    static synchronized void requireNamespaces() {
        if (!checked) {
            checked = true;
            unavailable = whyUnavailable();
            if (unavailable == null) {
                removeStale();
            }
        }
        if (unavailable != null) {
            if ("required".equals(System.getenv("PEERFLUX_FAULTLAB"))) {
                fail("the fault lab cannot run here, and PEERFLUX_FAULTLAB=required: " + unavailable);
            }
            assumeTrue(false, "fault lab skipped: " + unavailable);
        }
        List<String> missing = new ArrayList<>();
        if (NFT == null) {
            missing.add("nft (nftables)");
        }
        if (ETHTOOL == null) {
            missing.add("ethtool");
        }
        if (CONNTRACK == null) {
            missing.add("conntrack");
        }
        if (!missing.isEmpty()) {
            fail("network namespaces work here but the fault lab also needs " + missing
                    + ": apt-get install nftables ethtool conntrack (.ci/run installs them)");
        }
    }

    private static String whyUnavailable() {
        if (!System.getProperty("os.name").equals("Linux")) {
            return "network namespaces are Linux only";
        }
        long uid = uid();
        if (uid != 0) {
            return "creating network namespaces needs root (this JVM runs as uid " + uid + ")";
        }
        if (IP == null) {
            return "no `ip` command (Debian package iproute2)";
        }
        String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
        try {
            run(IP, "netns", "add", probe);
        } catch (RuntimeException e) {
            return "`ip netns add` fails: " + e.getMessage();
        }
        run(IP, "netns", "del", probe);
        return null;
    }

    private static long uid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .map(l -> Long.parseLong(l.split("\\s+")[1]))
                    .findFirst().orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Deletes the namespaces of labs whose test JVM is gone. */
    private static void removeStale() {
        for (String line : run(IP, "netns", "list").lines().toList()) {
            String ns = line.split(" ")[0];
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = ns.substring(PREFIX.length()).split("-");
            try {
                long pid = Long.parseLong(parts[0]);
                if (ProcessHandle.of(pid).isEmpty()) {
                    run(IP, "netns", "del", ns);
                }
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }
    }

    private static String tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
                .split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return null;
    }

    static String run(String... command) {
        return runWithInput(null, command);
    }

    /** Runs a command to its end (30 s at most); returns its output, or throws with it when the command fails. */
    static String runWithInput(String input, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "): " + output.trim());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}
