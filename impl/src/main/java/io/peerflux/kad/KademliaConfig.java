package io.peerflux.kad;

import io.peerflux.kad.record.Validators;
import io.peerflux.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link Kademlia} node behaves. Immutable: every {@code withX} returns a copy. {@link #defaults()} documents
 * each default; they are the spec's and go-libp2p's where those give one.
 *
 * @param mode server, client or auto ({@link DhtMode#SERVER})
 * @param protocolId {@code /ipfs/kad/1.0.0}; {@code /ipfs/lan/kad/1.0.0} or a custom prefix for private networks
 * @param k replication parameter and bucket size (20)
 * @param alpha requests in flight per lookup (10)
 * @param maxMessageSize the largest message read or written (4 MiB)
 * @param requestTimeout the hard limit for one request, after which it is reset (10 s)
 * @param initialRequestTimeout how long a lookup waits for a peer before any round trip was measured (2 s); later,
 *     the peer's measured round trip decides (see {@code KnownPeers})
 * @param minRequestTimeout the shortest adaptive wait (100 ms)
 * @param queryTimeout the limit for a whole query, which then ends with what it found (60 s)
 * @param refreshInterval how often every bucket no lookup used is refreshed, and the self lookup repeated (10 min)
 * @param providerTtl how long a provider record lives (48 h, the spec's)
 * @param republishInterval how often our own provider records are published again (22 h, the spec's)
 * @param providerAddressTtl how long a provider's addresses are kept and handed out with its record (30 min)
 * @param learnedAddressTtl how long addresses learned from lookups stay in the peerstore (10 min)
 * @param maxProviderRecords the most provider records stored (1,000,000: at most about 190 MiB of heap, when each key has one provider)
 * @param maxProvidersPerKey the most providers stored for one key (100)
 * @param maxRecords the most values stored (10,000)
 * @param maxRecordBytes the most bytes of keys and values stored (64 MiB)
 * @param maxLocalProvides the most keys this node itself provides and republishes (100,000)
 * @param maxPeersPerIpGroup diversity filter: peers of one IPv4 /24 or IPv6 /48 in the table (3); 0 turns it off
 * @param maxPeersPerIpGroupPerBucket diversity filter: the same per bucket (2)
 * @param maxQueries queries running at once; more fail with a limit error (64)
 * @param maxInboundStreamsPerPeer inbound DHT streams one peer may hold open; more are reset (16)
 * @param validators record validators by namespace ({@code /pk/} and {@code /ipns/})
 * @param bootstrap peers dialed by {@link Kademlia#bootstrap()} to seed the routing table (none); {@code /dnsaddr}
 *     addresses are resolved first ({@link io.peerflux.dns.DnsaddrResolver}); {@link IpfsBootstrap#ADDRESSES} joins
 *     the public IPFS DHT
 * @param nameServer the DNS server that resolves {@code /dnsaddr} bootstrap addresses ({@code null}: the system's)
 */
public record KademliaConfig(
        DhtMode mode,
        String protocolId,
        int k,
        int alpha,
        int maxMessageSize,
        Duration requestTimeout,
        Duration initialRequestTimeout,
        Duration minRequestTimeout,
        Duration queryTimeout,
        Duration refreshInterval,
        Duration providerTtl,
        Duration republishInterval,
        Duration providerAddressTtl,
        Duration learnedAddressTtl,
        int maxProviderRecords,
        int maxProvidersPerKey,
        int maxRecords,
        long maxRecordBytes,
        int maxLocalProvides,
        int maxPeersPerIpGroup,
        int maxPeersPerIpGroupPerBucket,
        int maxQueries,
        int maxInboundStreamsPerPeer,
        Validators validators,
        List<Multiaddr> bootstrap,
        InetSocketAddress nameServer) {

    /** The public IPFS DHT's protocol id. */
    public static final String IPFS_PROTOCOL_ID = "/ipfs/kad/1.0.0";
    /** The protocol id of IPFS's LAN DHT. */
    public static final String LAN_PROTOCOL_ID = "/ipfs/lan/kad/1.0.0";

    public KademliaConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(validators, "validators");
        bootstrap = List.copyOf(bootstrap);
        if (!protocolId.startsWith("/")) {
            throw new IllegalArgumentException("a protocol id starts with '/': " + protocolId);
        }
        if (k < 1 || alpha < 1 || maxMessageSize < 1024 || maxQueries < 1 || maxInboundStreamsPerPeer < 1) {
            throw new IllegalArgumentException("k, alpha, maxQueries and maxInboundStreamsPerPeer must be positive, "
                    + "maxMessageSize at least 1 KiB");
        }
        for (Duration d : List.of(requestTimeout, initialRequestTimeout, minRequestTimeout, queryTimeout,
                refreshInterval, providerTtl, republishInterval, providerAddressTtl, learnedAddressTtl)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive");
            }
        }
    }

    /** Every default, as documented on the record's components. */
    public static KademliaConfig defaults() {
        return new KademliaConfig(DhtMode.SERVER, IPFS_PROTOCOL_ID, 20, 10, 4 << 20,
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(60),
                Duration.ofMinutes(10), Duration.ofHours(48), Duration.ofHours(22), Duration.ofMinutes(30),
                Duration.ofMinutes(10), 1_000_000, 100, 10_000, 64L << 20, 100_000, 3, 2, 64, 16,
                Validators.defaults(), List.of(), null);
    }

    public KademliaConfig withMode(DhtMode mode) {
        return with(b -> b.mode = mode);
    }

    public KademliaConfig withProtocolId(String protocolId) {
        return with(b -> b.protocolId = protocolId);
    }

    /** Sets {@code k} and {@code alpha}. */
    public KademliaConfig withReplication(int k, int alpha) {
        return with(b -> {
            b.k = k;
            b.alpha = alpha;
        });
    }

    public KademliaConfig withMaxMessageSize(int maxMessageSize) {
        return with(b -> b.maxMessageSize = maxMessageSize);
    }

    /** Sets the hard request timeout, the adaptive wait's first value and floor, and the whole-query timeout. */
    public KademliaConfig withTimeouts(Duration request, Duration initialRequest, Duration minRequest, Duration query) {
        return with(b -> {
            b.requestTimeout = request;
            b.initialRequestTimeout = initialRequest;
            b.minRequestTimeout = minRequest;
            b.queryTimeout = query;
        });
    }

    public KademliaConfig withRefreshInterval(Duration refreshInterval) {
        return with(b -> b.refreshInterval = refreshInterval);
    }

    /** Sets the provider record store's bounds. */
    public KademliaConfig withProviderStore(int maxProviderRecords, int maxProvidersPerKey) {
        return with(b -> {
            b.maxProviderRecords = maxProviderRecords;
            b.maxProvidersPerKey = maxProvidersPerKey;
        });
    }

    /** Sets the diversity filter's bounds; {@code maxPerTable == 0} turns it off. */
    public KademliaConfig withIpDiversity(int maxPerTable, int maxPerBucket) {
        return with(b -> {
            b.maxPeersPerIpGroup = maxPerTable;
            b.maxPeersPerIpGroupPerBucket = maxPerBucket;
        });
    }

    public KademliaConfig withMaxInboundStreamsPerPeer(int maxInboundStreamsPerPeer) {
        return with(b -> b.maxInboundStreamsPerPeer = maxInboundStreamsPerPeer);
    }

    public KademliaConfig withValidators(Validators validators) {
        return with(b -> b.validators = validators);
    }

    public KademliaConfig withBootstrap(List<Multiaddr> bootstrap) {
        return with(b -> b.bootstrap = bootstrap);
    }

    public KademliaConfig withNameServer(InetSocketAddress nameServer) {
        return with(b -> b.nameServer = nameServer);
    }

    private KademliaConfig with(Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** A mutable copy, so that each {@code withX} names only what it changes. */
    private static final class Builder {
        DhtMode mode;
        String protocolId;
        int k;
        int alpha;
        int maxMessageSize;
        Duration requestTimeout;
        Duration initialRequestTimeout;
        Duration minRequestTimeout;
        Duration queryTimeout;
        Duration refreshInterval;
        Duration providerTtl;
        Duration republishInterval;
        Duration providerAddressTtl;
        Duration learnedAddressTtl;
        int maxProviderRecords;
        int maxProvidersPerKey;
        int maxRecords;
        long maxRecordBytes;
        int maxLocalProvides;
        int maxPeersPerIpGroup;
        int maxPeersPerIpGroupPerBucket;
        int maxQueries;
        int maxInboundStreamsPerPeer;
        Validators validators;
        List<Multiaddr> bootstrap;
        InetSocketAddress nameServer;

        Builder(KademliaConfig c) {
            mode = c.mode;
            protocolId = c.protocolId;
            k = c.k;
            alpha = c.alpha;
            maxMessageSize = c.maxMessageSize;
            requestTimeout = c.requestTimeout;
            initialRequestTimeout = c.initialRequestTimeout;
            minRequestTimeout = c.minRequestTimeout;
            queryTimeout = c.queryTimeout;
            refreshInterval = c.refreshInterval;
            providerTtl = c.providerTtl;
            republishInterval = c.republishInterval;
            providerAddressTtl = c.providerAddressTtl;
            learnedAddressTtl = c.learnedAddressTtl;
            maxProviderRecords = c.maxProviderRecords;
            maxProvidersPerKey = c.maxProvidersPerKey;
            maxRecords = c.maxRecords;
            maxRecordBytes = c.maxRecordBytes;
            maxLocalProvides = c.maxLocalProvides;
            maxPeersPerIpGroup = c.maxPeersPerIpGroup;
            maxPeersPerIpGroupPerBucket = c.maxPeersPerIpGroupPerBucket;
            maxQueries = c.maxQueries;
            maxInboundStreamsPerPeer = c.maxInboundStreamsPerPeer;
            validators = c.validators;
            bootstrap = c.bootstrap;
            nameServer = c.nameServer;
        }

        KademliaConfig build() {
            return new KademliaConfig(mode, protocolId, k, alpha, maxMessageSize, requestTimeout,
                    initialRequestTimeout, minRequestTimeout, queryTimeout, refreshInterval, providerTtl,
                    republishInterval, providerAddressTtl, learnedAddressTtl, maxProviderRecords, maxProvidersPerKey,
                    maxRecords, maxRecordBytes, maxLocalProvides, maxPeersPerIpGroup, maxPeersPerIpGroupPerBucket,
                    maxQueries, maxInboundStreamsPerPeer, validators, bootstrap, nameServer);
        }
    }
}
