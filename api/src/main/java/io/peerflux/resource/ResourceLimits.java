package io.peerflux.resource;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The limits of a host's resource manager. Immutable: each {@code withXxx} returns a changed copy.
 *
 * <p>{@link #autoscaled()} (what a host uses unless told otherwise) derives every default from two inputs, as
 * go-libp2p does from the machine's memory: the <em>memory budget</em> {@code M}, half the smaller of the JVM's
 * largest heap ({@code Runtime.maxMemory()}) and its direct-memory limit (where Netty's buffers live), and the
 * process's file-descriptor limit {@code F}. With {@code g = M / 1 GiB} (0 when {@code M} ≤ 128 MiB), each count is
 * {@code base + increase × g}, rounded down:
 * <table>
 *   <caption>defaults</caption>
 *   <tr><th>scope</th><th>connections in / out / total</th><th>streams in / out / total</th><th>memory</th>
 *       <th>fds</th></tr>
 *   <tr><td>system</td><td>64+64g / 128+128g / 128+128g</td><td>1024+1024g / 2048+2048g / 2048+2048g</td>
 *       <td>max(128 MiB, M)</td><td>F/2 (the other half is kept in reserve)</td></tr>
 *   <tr><td>transient</td><td>32+16g / 64+32g / 64+32g (the first is the cap on pending, unauthenticated
 *       inbound connections)</td><td>128+128g / 256+256g / 256+256g</td><td>unused</td><td>F/8</td></tr>
 *   <tr><td>peer</td><td>8 / 8 / 8</td><td>256+128g / 512+256g / 512+256g</td><td>64 MiB + 128 MiB × g</td>
 *       <td>—</td></tr>
 *   <tr><td>connection</td><td>1 / 1 / 1</td><td>—</td><td>max(32 MiB, M/32)</td><td>1</td></tr>
 *   <tr><td>protocol</td><td>—</td><td>512+256g / 2048+512g / 2048+512g</td><td>—</td><td>—</td></tr>
 * </table>
 * The counts are go-libp2p's defaults; memory is budgeted from the JVM's limits, and a connection may hold at most
 * 1/32 of the budget, so that the 8 connections one address may have ({@link IpLimits#DEFAULTS}) hold at most a
 * quarter of it. Per-network limits: {@link IpLimits#DEFAULTS}. No allowlist. Refusals are logged at most once per
 * {@code logInterval}, 10 s, per kind of scope and resource.
 *
 * <p>The allowlist names networks whose inbound connections skip the per-network limits and the system and
 * transient limits (they are still counted there); their peers' limits still apply.
 */
public final class ResourceLimits {

    private static final long MIB = 1 << 20;
    private static final long GIB = 1 << 30;

    private final ScopeLimit system;
    private final ScopeLimit transientScope;
    private final ScopeLimit peer;
    private final ScopeLimit connection;
    private final ScopeLimit protocolDefault;
    private final Map<String, ScopeLimit> protocols;
    private final IpLimits ip;
    private final List<IpPrefix> allowlist;
    private final Duration logInterval;

    private ResourceLimits(ScopeLimit system, ScopeLimit transientScope, ScopeLimit peer, ScopeLimit connection,
                           ScopeLimit protocolDefault, Map<String, ScopeLimit> protocols, IpLimits ip,
                           List<IpPrefix> allowlist, Duration logInterval) {
        this.system = Objects.requireNonNull(system, "system");
        this.transientScope = Objects.requireNonNull(transientScope, "transientScope");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.protocolDefault = Objects.requireNonNull(protocolDefault, "protocolDefault");
        this.protocols = Map.copyOf(protocols);
        this.ip = Objects.requireNonNull(ip, "ip");
        this.allowlist = List.copyOf(allowlist);
        this.logInterval = Objects.requireNonNull(logInterval, "logInterval");
    }

    /** The defaults scaled to this JVM's memory limits and this process's file-descriptor limit (see above). */
    public static ResourceLimits autoscaled() {
        long maxDirect = io.netty.util.internal.PlatformDependent.maxDirectMemory();
        long maxHeap = Runtime.getRuntime().maxMemory();
        long budget = Math.min(maxHeap, maxDirect > 0 ? maxDirect : maxHeap) / 2;
        return scaled(budget, maxFileDescriptors());
    }

    /**
     * The defaults scaled to a memory budget of {@code memory} bytes and a limit of {@code fds} file descriptors,
     * by the formulas above.
     */
    public static ResourceLimits scaled(long memory, long fds) {
        if (memory < 0 || fds < 1) {
            throw new IllegalArgumentException("memory must not be negative and fds must be positive");
        }
        double g = memory > 128 * MIB ? (double) memory / GIB : 0;
        int fdCount = (int) Math.min(Integer.MAX_VALUE, fds);
        ScopeLimit system = new ScopeLimit(n(64, 64, g), n(128, 128, g), n(128, 128, g),
                n(1024, 1024, g), n(2048, 2048, g), n(2048, 2048, g), Math.max(128 * MIB, memory),
                Math.max(16, fdCount / 2));
        ScopeLimit transientScope = new ScopeLimit(n(32, 16, g), n(64, 32, g), n(64, 32, g),
                n(128, 128, g), n(256, 256, g), n(256, 256, g), 32 * MIB + (long) (128 * MIB * g),
                Math.max(16, fdCount / 8));
        ScopeLimit peer = ScopeLimit.UNLIMITED.withConns(8, 8, 8)
                .withStreams(n(256, 128, g), n(512, 256, g), n(512, 256, g))
                .withMemory(64 * MIB + (long) (128 * MIB * g));
        ScopeLimit connection = ScopeLimit.UNLIMITED.withConns(1, 1, 1)
                .withMemory(Math.max(32 * MIB, memory / 32)).withFds(1);
        ScopeLimit protocol = ScopeLimit.UNLIMITED.withStreams(n(512, 256, g), n(2048, 512, g), n(2048, 512, g));
        return new ResourceLimits(system, transientScope, peer, connection, protocol, Map.of(), IpLimits.DEFAULTS,
                List.of(), Duration.ofSeconds(10));
    }

    /** Nothing limited anywhere; usage is still counted. */
    public static ResourceLimits unlimited() {
        return new ResourceLimits(ScopeLimit.UNLIMITED, ScopeLimit.UNLIMITED, ScopeLimit.UNLIMITED,
                ScopeLimit.UNLIMITED, ScopeLimit.UNLIMITED, Map.of(), IpLimits.UNLIMITED, List.of(),
                Duration.ofSeconds(10));
    }

    /** The process's file-descriptor limit, or 4096 where the JVM cannot tell. */
    static long maxFileDescriptors() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                long max = unix.getMaxFileDescriptorCount();
                if (max > 0) {
                    return max;
                }
            }
        } catch (LinkageError | RuntimeException e) {
            // not a HotSpot-compatible JVM, or not Unix: fall through
        }
        return 4096;
    }

    private static int n(int base, int increase, double g) {
        return (int) Math.min(Integer.MAX_VALUE, base + (long) (increase * g));
    }

    public ResourceLimits withSystem(ScopeLimit limit) {
        return new ResourceLimits(limit, transientScope, peer, connection, protocolDefault, protocols, ip, allowlist,
                logInterval);
    }

    public ResourceLimits withTransient(ScopeLimit limit) {
        return new ResourceLimits(system, limit, peer, connection, protocolDefault, protocols, ip, allowlist,
                logInterval);
    }

    /** The limits of every peer's scope. */
    public ResourceLimits withPeer(ScopeLimit limit) {
        return new ResourceLimits(system, transientScope, limit, connection, protocolDefault, protocols, ip, allowlist,
                logInterval);
    }

    /** The limits of every connection's scope. */
    public ResourceLimits withConnection(ScopeLimit limit) {
        return new ResourceLimits(system, transientScope, peer, limit, protocolDefault, protocols, ip, allowlist,
                logInterval);
    }

    /** The limits of a protocol's scope when {@link #withProtocol} names none for it. */
    public ResourceLimits withProtocolDefault(ScopeLimit limit) {
        return new ResourceLimits(system, transientScope, peer, connection, limit, protocols, ip, allowlist,
                logInterval);
    }

    /** The limits of {@code protocolId}'s scope. */
    public ResourceLimits withProtocol(String protocolId, ScopeLimit limit) {
        Map<String, ScopeLimit> changed = new LinkedHashMap<>(protocols);
        changed.put(Objects.requireNonNull(protocolId, "protocolId"), Objects.requireNonNull(limit, "limit"));
        return new ResourceLimits(system, transientScope, peer, connection, protocolDefault, changed, ip, allowlist,
                logInterval);
    }

    public ResourceLimits withIpLimits(IpLimits limits) {
        return new ResourceLimits(system, transientScope, peer, connection, protocolDefault, protocols, limits,
                allowlist, logInterval);
    }

    /**
     * Networks whose inbound connections skip the per-network, system and transient limits, each as
     * {@link IpPrefix#parse} reads it ({@code 192.0.2.0/24}, {@code /ip4/192.0.2.0/ipcidr/24}, …); replaces the list.
     */
    public ResourceLimits withAllowlist(String... networks) {
        return new ResourceLimits(system, transientScope, peer, connection, protocolDefault, protocols, ip,
                java.util.Arrays.stream(networks).map(IpPrefix::parse).toList(), logInterval);
    }

    /** How often, at most, refusals of one kind of scope and resource are logged at INFO. */
    public ResourceLimits withLogInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("logInterval must not be negative");
        }
        return new ResourceLimits(system, transientScope, peer, connection, protocolDefault, protocols, ip, allowlist,
                interval);
    }

    public ScopeLimit system() {
        return system;
    }

    public ScopeLimit transientScope() {
        return transientScope;
    }

    public ScopeLimit peer() {
        return peer;
    }

    public ScopeLimit connection() {
        return connection;
    }

    public ScopeLimit protocolDefault() {
        return protocolDefault;
    }

    /** The limits of {@code protocolId}'s scope: its own, else the default. */
    public ScopeLimit protocol(String protocolId) {
        return protocols.getOrDefault(protocolId, protocolDefault);
    }

    public IpLimits ip() {
        return ip;
    }

    public List<IpPrefix> allowlist() {
        return allowlist;
    }

    public Duration logInterval() {
        return logInterval;
    }

    @Override
    public String toString() {
        return "ResourceLimits[system=" + system + ", transient=" + transientScope + ", peer=" + peer
                + ", connection=" + connection + ", protocolDefault=" + protocolDefault + ", protocols=" + protocols
                + ", ip=" + ip + ", allowlist=" + allowlist + ", logInterval=" + logInterval + "]";
    }
}
