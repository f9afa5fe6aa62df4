package io.peerflux.host;

import io.peerflux.ConnectionGater;
import io.peerflux.Host;
import io.peerflux.StreamHandler;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.Muxer;
import io.peerflux.resource.ResourceLimits;
import io.peerflux.security.SecureTransport;
import io.peerflux.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Assembles a {@link Host}. Security channels and muxers are offered in the order they are added. Used once:
 * {@link #build()} checks the choices and the builder cannot be reused.
 *
 * <p>Defaults: a fresh Ed25519 identity, no listen address (dial only), agent {@code peerflux/<version>},
 * dial timeout 10 s, multistream negotiation timeout 10 s, secure handshake timeout 10 s, a peerstore of at most
 * 10,000 peers, a resource manager with {@link ResourceLimits#autoscaled()} limits,
 * {@link ConnectionManagerConfig#defaults()}, no upgrade steps.
 */
public final class HostBuilder {

    private PrivateKey identity;
    private final List<Transport> transports = new ArrayList<>();
    private final List<SecureTransport> security = new ArrayList<>();
    private final List<Muxer> muxers = new ArrayList<>();
    private final List<Multiaddr> listen = new ArrayList<>();
    private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
    private String agentVersion = "peerflux/" + Peerflux.VERSION;
    private Duration dialTimeout = Duration.ofSeconds(10);
    private Duration negotiationTimeout = Duration.ofSeconds(10);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private int maxPeers = MemoryPeerstore.DEFAULT_MAX_PEERS;
    private long maxPeerstoreBytes = MemoryPeerstore.DEFAULT_MAX_BYTES;
    private ResourceLimits resourceLimits;
    private boolean resourceManagerOff;
    private final List<UpgradeStep> upgradeSteps = new ArrayList<>();
    private ConnectionManagerConfig connectionManager = ConnectionManagerConfig.defaults();
    private boolean built;

    HostBuilder() {
    }

    public HostBuilder identity(PrivateKey identity) {
        this.identity = Objects.requireNonNull(identity, "identity");
        return this;
    }

    public HostBuilder transport(Transport transport) {
        transports.add(Objects.requireNonNull(transport, "transport"));
        return this;
    }

    public HostBuilder security(SecureTransport secureTransport) {
        security.add(Objects.requireNonNull(secureTransport, "secureTransport"));
        return this;
    }

    public HostBuilder muxer(Muxer muxer) {
        muxers.add(Objects.requireNonNull(muxer, "muxer"));
        return this;
    }

    public HostBuilder listen(Multiaddr... addresses) {
        listen.addAll(Arrays.asList(addresses));
        return this;
    }

    public HostBuilder handle(String protocol, StreamHandler handler) {
        handlers.put(Objects.requireNonNull(protocol, "protocol"), Objects.requireNonNull(handler, "handler"));
        return this;
    }

    public HostBuilder agentVersion(String agentVersion) {
        this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion");
        return this;
    }

    /** The limit for one dial: connect, secure and multiplex. */
    public HostBuilder dialTimeout(Duration timeout) {
        this.dialTimeout = positive(timeout, "dialTimeout");
        return this;
    }

    public HostBuilder negotiationTimeout(Duration timeout) {
        this.negotiationTimeout = positive(timeout, "negotiationTimeout");
        return this;
    }

    /** The host-wide limit for a secure-channel handshake, on top of the secure channel's own setting. */
    public HostBuilder handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = positive(timeout, "handshakeTimeout");
        return this;
    }

    /**
     * The most peers the peerstore remembers (10,000 by default); beyond it, the least recently used peers that are
     * neither connected nor tagged are forgotten.
     */
    public HostBuilder peerstoreCapacity(int maxPeers) {
        return peerstoreCapacity(maxPeers, maxPeerstoreBytes);
    }

    /**
     * Like {@link #peerstoreCapacity(int)}, and at most {@code maxBytes} of records, estimated from what they hold (by
     * default a sixteenth of the heap, between 4 and 256 MiB).
     */
    public HostBuilder peerstoreCapacity(int maxPeers, long maxBytes) {
        if (maxPeers < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("peerstoreCapacity must be positive");
        }
        this.maxPeers = maxPeers;
        this.maxPeerstoreBytes = maxBytes;
        return this;
    }

    /**
     * The limits of the host's resource manager; without this call, {@link ResourceLimits#autoscaled()}, computed
     * when the host is built. See {@link io.peerflux.resource.ResourceManager} and docs/limits.md.
     */
    public HostBuilder resourceLimits(ResourceLimits limits) {
        this.resourceLimits = Objects.requireNonNull(limits, "limits");
        return this;
    }

    /**
     * Adds {@code step} to every connection's upgrade, after the steps and gaters added before it. See
     * {@link UpgradeStep} for the stages, their order and their threads.
     */
    public HostBuilder upgradeStep(UpgradeStep step) {
        upgradeSteps.add(Objects.requireNonNull(step, "step"));
        return this;
    }

    /**
     * Builds the host without a resource manager: nothing is counted and nothing refused beyond each protocol's own
     * bounds. For measuring the manager's cost, or for an application that limits connections in front of the host.
     */
    public HostBuilder withoutResourceManager() {
        this.resourceManagerOff = true;
        return this;
    }

    /**
     * Consults {@code gater} at every dial and connection, as an {@link UpgradeStep} in the order of the
     * {@code upgradeStep}/{@code connectionGater} calls; with several gaters, a connection must pass all of them.
     */
    public HostBuilder connectionGater(ConnectionGater gater) {
        return upgradeStep(new GaterStep(Objects.requireNonNull(gater, "gater")));
    }

    /** Watermarks, grace period, idle connection and stream timeouts: see {@link ConnectionManagerConfig}. */
    public HostBuilder connectionManager(ConnectionManagerConfig config) {
        this.connectionManager = Objects.requireNonNull(config, "config");
        return this;
    }

    /**
     * Builds the host; it does not listen until {@link Host#start()}.
     *
     * @throws IllegalStateException when no transport, secure channel or muxer was given, a protocol id is given
     *     twice, a listen address has no transport, resource limits were given to a host without a resource
     *     manager, or the builder was already used
     */
    public Host build() {
        if (built) {
            throw new IllegalStateException("a HostBuilder builds one host");
        }
        require(!transports.isEmpty(), "at least one transport is required");
        require(!security.isEmpty(), "at least one secure channel is required");
        require(!muxers.isEmpty(), "at least one muxer is required");
        require(security.stream().map(SecureTransport::protocolId).distinct().count() == security.size(),
                "a secure channel protocol is given twice");
        require(muxers.stream().map(Muxer::protocolId).distinct().count() == muxers.size(),
                "a muxer protocol is given twice");
        for (Multiaddr address : listen) {
            require(transports.stream().anyMatch(t -> t.canListen(address)), "no transport can listen on " + address);
        }
        require(!(resourceManagerOff && resourceLimits != null),
                "resourceLimits and withoutResourceManager contradict each other");
        built = true;
        PrivateKey key = identity != null ? identity : PrivateKey.generateEd25519();
        return new DefaultHost(new HostConfig(key, List.copyOf(transports), List.copyOf(security),
                List.copyOf(muxers), List.copyOf(listen), new LinkedHashMap<>(handlers), agentVersion, dialTimeout,
                negotiationTimeout, handshakeTimeout, maxPeers, maxPeerstoreBytes, hostResourceLimits(), List.copyOf(upgradeSteps),
                connectionManager));
    }

    private ResourceLimits hostResourceLimits() {
        if (resourceManagerOff) {
            return null;
        }
        return resourceLimits != null ? resourceLimits : ResourceLimits.autoscaled();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }
}
