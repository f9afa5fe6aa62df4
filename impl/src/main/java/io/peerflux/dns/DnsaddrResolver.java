package io.peerflux.dns;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import io.peerflux.multiaddr.Component;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpResources;

/**
 * Resolves {@code /dnsaddr} multiaddrs (multiformats/multiaddr protocols/DNSADDR.md) without blocking: TXT queries go
 * out on Netty's DNS client, on one of reactor-netty's shared event loops, only when a resolution is subscribed.
 *
 * <p>{@code /dnsaddr/<host>/<suffix>} queries the TXT records of {@code _dnsaddr.<host>}; every
 * {@code dnsaddr=<multiaddr>} record is a candidate, and a candidate is kept only if it ends with {@code <suffix>}
 * (for {@code /dnsaddr/bootstrap.libp2p.io/p2p/<id>}: only that peer's addresses). Kept candidates that are
 * {@code /dnsaddr} addresses themselves are resolved the same way. Everything is bounded: the nesting depth, the
 * queries and the records read per resolution, and the addresses returned.
 *
 * <p>Failures: if the first name cannot be resolved (query failed or timed out, or an error code such as NXDOMAIN),
 * the resolution fails with a {@link DnsResolutionException} naming it. A nested name that fails is skipped; only if
 * nothing at all resolved does the resolution fail, with the nested failures attached. A name that answers no
 * records resolves to nothing. TXT values that are not {@code dnsaddr=} followed by a valid multiaddr are skipped
 * (logged at debug).
 *
 * <p>Each query is sent once, to the next configured name server, and waits at most the query timeout; a truncated
 * UDP answer is retried over TCP. {@link #close()} releases the resolver's sockets; the event loops are shared and
 * stay.
 */
public final class DnsaddrResolver implements AutoCloseable {

    /**
     * Most {@code /dnsaddr} names followed in one chain, the first included. The public bootstrap list needs 2; a
     * name that leads back to itself (directly or through others) stops here.
     */
    public static final int MAX_DEPTH = 4;

    /** Most addresses one resolution returns; once reached, lookups still under way are cancelled. */
    public static final int MAX_ADDRESSES = 64;

    /** Most TXT records read from one name's answer, so that one large answer cannot flood a resolution. */
    public static final int MAX_RECORDS_PER_NAME = 32;

    /**
     * Most DNS queries one resolution sends, the first included. Depth alone would allow
     * {@value #MAX_RECORDS_PER_NAME} nested names per level, tens of thousands of queries four levels deep.
     */
    public static final int MAX_QUERIES = 16;

    /** Waiting longer than this for one answer fails the query. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

    /** Nested names of one answer queried at once. */
    private static final int PARALLEL_QUERIES = 4;

    private static final String NAME_PREFIX = "_dnsaddr.";
    private static final String VALUE_PREFIX = "dnsaddr=";

    private static final Logger log = LoggerFactory.getLogger(DnsaddrResolver.class);

    private final DnsNameResolver dns;

    private DnsaddrResolver(DnsNameResolver dns) {
        this.dns = dns;
    }

    /**
     * A resolver that asks the system's name servers ({@code /etc/resolv.conf} on Unix), with the default query
     * timeout. Reads the system configuration, so call it where blocking is allowed, not on an event loop.
     */
    public static DnsaddrResolver create() {
        return create(DEFAULT_QUERY_TIMEOUT);
    }

    /** Like {@link #create()}, with another query timeout. */
    public static DnsaddrResolver create(Duration queryTimeout) {
        return build(DnsServerAddressStreamProviders.platformDefault(), queryTimeout);
    }

    /** A resolver that asks only {@code nameServer}, with the default query timeout. */
    public static DnsaddrResolver create(InetSocketAddress nameServer) {
        return create(nameServer, DEFAULT_QUERY_TIMEOUT);
    }

    /** A resolver that asks only {@code nameServer}, waiting at most {@code queryTimeout} for each answer. */
    public static DnsaddrResolver create(InetSocketAddress nameServer, Duration queryTimeout) {
        Objects.requireNonNull(nameServer, "nameServer");
        return build(new SingletonDnsServerAddressStreamProvider(nameServer), queryTimeout);
    }

    private static DnsaddrResolver build(DnsServerAddressStreamProvider nameServers, Duration queryTimeout) {
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("query timeout must be positive: " + queryTimeout);
        }
        LoopResources loops = TcpResources.get();
        EventLoopGroup group = loops.onClient(LoopResources.hasNativeSupport());
        DnsNameResolver dns = new DnsNameResolverBuilder(group.next())
                .datagramChannelType(loops.onChannelClass(DatagramChannel.class, group))
                .socketChannelType(loops.onChannelClass(SocketChannel.class, group), false)
                .nameServerProvider(nameServers)
                .searchDomains(List.of())
                .queryTimeoutMillis(queryTimeout.toMillis())
                .build();
        return new DnsaddrResolver(dns);
    }

    /**
     * Resolves {@code address}. Lazy: nothing is sent until subscribed; cancelling cancels the queries under way.
     *
     * @return the addresses {@code address} stands for, at most {@value #MAX_ADDRESSES} and without repeats, in no
     *     particular order; {@code address} itself if it does not start with {@code /dnsaddr}
     */
    public Flux<Multiaddr> resolve(Multiaddr address) {
        Objects.requireNonNull(address, "address");
        if (!isDnsaddr(address)) {
            return Flux.just(address);
        }
        return Flux.defer(() -> {
            Resolution resolution = new Resolution(queryName(address));
            return resolution.expand(address, 1)
                    .distinct()
                    .take(MAX_ADDRESSES)
                    .switchIfEmpty(Flux.defer(resolution::nothingResolved));
        });
    }

    /** Closes the resolver's sockets; resolutions after this fail. */
    @Override
    public void close() {
        dns.close();
    }

    /** The state of one subscribed resolution. */
    private final class Resolution {

        private final String firstName;
        private final AtomicInteger queriesSent = new AtomicInteger(1);
        /** At most {@value #MAX_QUERIES}, one per failed query. */
        private final Queue<DnsResolutionException> nestedFailures = new ConcurrentLinkedQueue<>();

        Resolution(String firstName) {
            this.firstName = firstName;
        }

        Flux<Multiaddr> expand(Multiaddr address, int depth) {
            String name = queryName(address);
            List<Component> suffix = address.components().subList(1, address.components().size());
            return txt(name)
                    .flatMapIterable(values -> candidates(name, values, suffix))
                    .flatMap(candidate -> follow(candidate, depth), PARALLEL_QUERIES);
        }

        private Flux<Multiaddr> follow(Multiaddr candidate, int depth) {
            if (!isDnsaddr(candidate)) {
                return Flux.just(candidate);
            }
            if (depth >= MAX_DEPTH) {
                log.debug("not following {}: {} /dnsaddr names deep already", candidate, depth);
                return Flux.empty();
            }
            return Flux.defer(() -> {
                if (queriesSent.incrementAndGet() > MAX_QUERIES) {
                    log.debug("not following {}: {} queries sent for {} already", candidate, MAX_QUERIES, firstName);
                    return Flux.empty();
                }
                return expand(candidate, depth + 1).onErrorResume(DnsResolutionException.class, e -> {
                    log.debug("skipping {} while resolving {}: {}", candidate, firstName, e.getMessage());
                    nestedFailures.add(e);
                    return Flux.empty();
                });
            });
        }

        Flux<Multiaddr> nothingResolved() {
            return nestedFailures.isEmpty()
                    ? Flux.empty()
                    : Flux.error(DnsResolutionException.nestedFailed(firstName, List.copyOf(nestedFailures)));
        }
    }

    /** The TXT values of {@code name}; a failed query, or an answer other than NOERROR, fails. */
    private Mono<List<String>> txt(String name) {
        return Mono.create(sink -> {
            Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> answer;
            try {
                answer = dns.query(new DefaultDnsQuestion(name, DnsRecordType.TXT));
            } catch (IllegalArgumentException e) { // a name DNS cannot carry, such as a label over 63 bytes
                sink.error(DnsResolutionException.queryFailed(name, e));
                return;
            }
            sink.onCancel(() -> answer.cancel(false));
            answer.addListener(done -> {
                if (done.isCancelled()) {
                    return;
                }
                if (!done.isSuccess()) {
                    sink.error(DnsResolutionException.queryFailed(name, done.cause()));
                    return;
                }
                AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = answer.getNow();
                try {
                    DnsResponse response = envelope.content();
                    if (response.code().equals(DnsResponseCode.NOERROR)) {
                        sink.success(TxtRecords.values(response, MAX_RECORDS_PER_NAME));
                    } else {
                        sink.error(DnsResolutionException.answered(name, response.code().toString()));
                    }
                } finally {
                    envelope.release();
                }
            });
        });
    }

    /** The multiaddrs among {@code values} that end with {@code suffix}. */
    private static List<Multiaddr> candidates(String name, List<String> values, List<Component> suffix) {
        List<Multiaddr> candidates = new ArrayList<>(values.size());
        for (String value : values) {
            if (!value.startsWith(VALUE_PREFIX)) {
                log.debug("ignoring a TXT record of {} that does not start with {}", name, VALUE_PREFIX);
                continue;
            }
            Multiaddr candidate;
            try {
                candidate = Multiaddr.of(value.substring(VALUE_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                log.debug("skipping a TXT record of {}: {}", name, e.getMessage());
                continue;
            }
            if (endsWith(candidate, suffix)) {
                candidates.add(candidate);
            }
        }
        return candidates;
    }

    private static boolean endsWith(Multiaddr candidate, List<Component> suffix) {
        List<Component> components = candidate.components();
        int start = components.size() - suffix.size();
        return start >= 0 && components.subList(start, components.size()).equals(suffix);
    }

    private static boolean isDnsaddr(Multiaddr address) {
        return !address.components().isEmpty() && Protocol.DNSADDR.equals(address.components().get(0).protocol());
    }

    private static String queryName(Multiaddr address) {
        return NAME_PREFIX + address.components().get(0).valueAsString();
    }
}
