package io.peerflux.kad;

import io.peerflux.LimitExceededException;
import io.peerflux.kad.record.InvalidRecordException;
import io.peerflux.kad.record.Validators;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import io.peerflux.resource.ServiceMemory;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One DHT node's whole state machine: routing table, lookups, the record and provider stores, and the maintenance
 * that keeps them fresh. It owns no socket and reads no clock: a binding (the host's {@link Kademlia}, or the
 * simulator) feeds it inbound requests, answers, peer events and the time, and carries out what it asks through
 * {@link Network}. Every method must be called from one thread.
 *
 * <p>Bounded throughout: queries ({@code maxQueries}), requests per query ({@code alpha}), peers per lookup
 * ({@link Lookup#MAX_CANDIDATES}), the stores ({@link ProviderStore}, {@link RecordStore}), the peers remembered
 * ({@link KnownPeers}, {@link #MAX_REMEMBERED}).
 */
public final class KadNode {

    /** Peers remembered (identify's answer, whether they answered, round trips); the least recently used forgotten. */
    public static final int MAX_REMEMBERED = 4096;
    /** Refresh lookups cover buckets up to this common prefix length (deeper ones fill from the self lookup). */
    static final int MAX_REFRESH_CPL = 15;
    /** How often maintenance (refresh, republish, collection) looks for work. */
    static final long MAINTENANCE_PERIOD = 60_000_000_000L;
    static final long COLLECT_PERIOD = 3_600_000_000_000L;

    /** What the node asks of its binding. */
    public interface Network {

        /**
         * Sends {@code request} to {@code peer}, dialing it if needed; the binding answers with
         * {@link #responded} or {@link #requestFailed} for {@code requestId}. For a message without a response
         * ({@code ADD_PROVIDER}), {@link #responded} with {@code null} says it was written.
         */
        void send(long requestId, PeerInfo peer, KadMessage request, boolean expectsResponse);

        /** Abandons a request: its stream is reset and no answer is reported. */
        void cancel(long requestId);

        /** The addresses known for {@code peer} (connections, peerstore), to hand out in answers. */
        List<Multiaddr> addresses(PeerId peer);

        /** Addresses learned from a peer's answer or provider record, to keep for {@code ttlNanos}. */
        void learned(PeerInfo peer, long ttlNanos);
    }

    /** Receives one query's events. */
    @FunctionalInterface
    public interface Listener {
        void event(QueryEvent event);
    }

    /** What a query does. */
    public enum Kind { CLOSEST, FIND_PEER, PROVIDERS, GET_VALUE, PUT_VALUE, PROVIDE }

    private enum Purpose { LOOKUP, STORE, CORRECTION, PROBE }

    private record Request(long id, Query query, PeerId peer, Purpose purpose, long sentAt, long deadline,
                           PeerId checking) {}

    private final class Query {
        final long id;
        final Kind kind;
        final byte[] key;
        final byte[] value;
        final int limit;
        final Listener listener;
        final Lookup lookup;
        final long deadline;
        final Set<PeerId> providers = new HashSet<>();
        byte[] best;
        final Set<PeerId> bestFrom = new HashSet<>();
        final Set<PeerId> outdated = new HashSet<>();
        final Set<PeerId> withoutValue = new HashSet<>();
        int values;
        boolean storing;
        int storesPending;

        Query(long id, Kind kind, byte[] key, byte[] value, int limit, Listener listener, long now) {
            this.id = id;
            this.kind = kind;
            this.key = key;
            this.value = value;
            this.limit = limit;
            this.listener = listener;
            KadId target = KadId.of(key);
            List<PeerInfo> seeds = new ArrayList<>();
            for (RoutingTable.Entry e : table.closest(target, config.k())) {
                seeds.add(new PeerInfo(e.peer(), network.addresses(e.peer())));
            }
            if (seeds.size() < config.k()) {
                // A young table: peers identify says serve the DHT (bootstrap peers) are worth asking too.
                for (PeerId p : known.servers()) {
                    if (!table.contains(p)) {
                        seeds.add(new PeerInfo(p, network.addresses(p)));
                    }
                }
            }
            this.lookup = new Lookup(target, self, config.k(), config.alpha(), known::timeout, seeds);
            this.deadline = now + config.queryTimeout().toNanos();
            table.used(target, now);
        }

        void emit(QueryEvent event) {
            if (listener != null) {
                listener.event(event);
            }
        }

        KadMessage.Type requestType() {
            return switch (kind) {
                case PROVIDERS -> KadMessage.Type.GET_PROVIDERS;
                case GET_VALUE -> KadMessage.Type.GET_VALUE;
                default -> KadMessage.Type.FIND_NODE;
            };
        }
    }

    private final PeerId self;
    private final KadId selfId;
    private final KademliaConfig config;
    private final Network network;
    private final RandomGenerator random;
    private final RoutingTable table;
    private final KnownPeers known;
    private final ProviderStore providers;
    private final RecordStore records;
    private final Validators validators;
    /** Linked: in order of their deadlines, and {@link #nextWakeup} walks the queries after every input. */
    private final Map<Long, Query> queries = new LinkedHashMap<>();
    private final Map<Long, Request> requests = new LinkedHashMap<>();
    private final Map<ByteKey, Long> localProvides = new LinkedHashMap<>();
    private long nextId;
    private long nextMaintenance;
    private long nextCollect;
    private long lastSelfLookup = Long.MIN_VALUE;

    /**
     * @param random the source of refresh keys (seeded, in the simulator)
     * @param now the time the node starts, epoch nanoseconds
     */
    public KadNode(PeerId self, KademliaConfig config, Network network, RandomGenerator random, long now) {
        this(self, config, network, random, now, ServiceMemory.UNLIMITED);
    }

    /** Like the other constructor, with the stores' memory reserved in {@code memory} (the host's resource manager). */
    public KadNode(PeerId self, KademliaConfig config, Network network, RandomGenerator random, long now,
                   ServiceMemory memory) {
        this.self = self;
        this.selfId = KadId.of(self.bytes());
        this.config = config;
        this.network = network;
        this.random = random;
        IpGroups groups = config.maxPeersPerIpGroup() == 0 ? IpGroups.unlimited()
                : new IpGroups(config.maxPeersPerIpGroup(), config.maxPeersPerIpGroupPerBucket());
        this.table = new RoutingTable(selfId, config.k(), groups, now);
        this.known = new KnownPeers(MAX_REMEMBERED, config.initialRequestTimeout().toNanos(),
                config.minRequestTimeout().toNanos(), config.requestTimeout().toNanos());
        this.providers = new ProviderStore(config.maxProviderRecords(), config.maxProvidersPerKey(),
                config.providerTtl().toNanos(), memory);
        this.records = new RecordStore(config.maxRecords(), config.maxRecordBytes(), memory);
        this.validators = config.validators();
        this.nextMaintenance = now + MAINTENANCE_PERIOD;
        this.nextCollect = now + COLLECT_PERIOD;
    }

    public PeerId self() {
        return self;
    }

    public RoutingTable routingTable() {
        return table;
    }

    public ProviderStore providerStore() {
        return providers;
    }

    public RecordStore recordStore() {
        return records;
    }

    /** The number of queries running. */
    public int queries() {
        return queries.size();
    }

    // ---- serving ----

    /**
     * Answers one inbound request from {@code from}; {@code null} when the message type has no answer
     * ({@code ADD_PROVIDER}).
     *
     * @throws KadRequestException when the request is refused; its stream should be reset
     */
    public KadMessage handle(PeerId from, KadMessage request, long now) throws KadRequestException {
        byte[] key = request.key();
        return switch (request.type()) {
            case FIND_NODE -> reply(request, null, closerPeers(key, from, true), List.of());
            case GET_PROVIDERS -> reply(request, null, closerPeers(key, from, false), localProviders(key, now));
            case GET_VALUE -> {
                RecordStore.Stored stored = records.get(key, now);
                KadMessage.Record record = stored == null ? null
                        : new KadMessage.Record(key, stored.value(), rfc3339(stored.received()));
                yield reply(request, record, closerPeers(key, from, false), List.of());
            }
            case PUT_VALUE -> {
                store(key, request.record(), now);
                yield request;
            }
            case ADD_PROVIDER -> {
                addProviders(from, key, request.providerPeers(), now);
                yield null;
            }
            case PING -> request;
        };
    }

    private static KadMessage reply(KadMessage request, KadMessage.Record record, List<PeerInfo> closer,
                                    List<PeerInfo> providerPeers) {
        return new KadMessage(request.type(), request.key(), record, closer, providerPeers);
    }

    /**
     * The k peers closest to {@code key} we can give addresses for; for FIND_NODE, the key's own peer first when
     * identify told us of it (a client is found only this way: it is in nobody's table).
     */
    private List<PeerInfo> closerPeers(byte[] key, PeerId requester, boolean findNode) {
        List<PeerInfo> out = new ArrayList<>(config.k());
        if (findNode) {
            PeerId target = known.identifiedPeer(key);
            if (target != null && !target.equals(requester) && !target.equals(self) && !table.contains(target)) {
                List<Multiaddr> known = network.addresses(target);
                if (!known.isEmpty()) {
                    out.add(new PeerInfo(target, known));
                }
            }
        }
        for (RoutingTable.Entry e : table.closest(KadId.of(key), config.k() + 1)) {
            if (out.size() == config.k()) {
                break;
            }
            if (e.peer().equals(requester)) {
                continue;
            }
            List<Multiaddr> addresses = network.addresses(e.peer());
            if (!addresses.isEmpty()) {
                out.add(new PeerInfo(e.peer(), addresses));
            }
        }
        return out;
    }

    private List<PeerInfo> localProviders(byte[] key, long now) {
        List<PeerInfo> out = new ArrayList<>();
        for (PeerId p : providers.providers(key, now, config.maxProvidersPerKey())) {
            out.add(new PeerInfo(p, network.addresses(p)));
        }
        return out;
    }

    private void store(byte[] key, KadMessage.Record record, long now) throws KadRequestException {
        if (record == null || !java.util.Arrays.equals(record.key(), key)) {
            throw new KadRequestException("PUT_VALUE without a record for its key");
        }
        Instant at = instant(now);
        try {
            validators.validate(key, record.value(), at);
            RecordStore.Stored old = records.get(key, now);
            if (old != null && validators.select(key, List.of(record.value(), old.value())) != 0) {
                throw new KadRequestException("PUT_VALUE with a record older than ours");
            }
            long expires = nanos(validators.expiry(key, record.value(), at));
            if (!records.put(key, record.value(), now, expires)) {
                throw new KadRequestException("record store full");
            }
        } catch (InvalidRecordException e) {
            throw new KadRequestException("invalid record: " + e.getMessage());
        }
    }

    private void addProviders(PeerId from, byte[] key, List<PeerInfo> announced, long now)
            throws KadRequestException {
        try {
            Multihash.parse(key);
        } catch (IllegalArgumentException e) {
            throw new KadRequestException("ADD_PROVIDER key is not a multihash");
        }
        for (PeerInfo p : announced) {
            if (p.peerId().equals(from)) {
                if (providers.add(key, from, now) && !p.addresses().isEmpty()) {
                    network.learned(p, config.providerAddressTtl().toNanos());
                }
            }
        }
    }

    // ---- peers ----

    /**
     * Identify told us what {@code peer} serves. A DHT server that already answered us enters the routing table;
     * one that has not is asked a question first (the spec's "answered a request" condition). A peer that stopped
     * serving leaves the table.
     *
     * @param ipGroup its network block ({@link IpGroups#groupOf}), {@code null} when exempt
     */
    public void peerIdentified(PeerId peer, boolean servesDht, String ipGroup, long now) {
        known.identified(peer, servesDht, ipGroup);
        if (!servesDht) {
            table.remove(peer);
            return;
        }
        if (table.contains(peer)) {
            return;
        }
        if (known.answered(peer)) {
            admit(peer, now);
        } else {
            probe(peer, null, now);
        }
    }

    private void admit(PeerId peer, long now) {
        if (!known.isServer(peer)) {
            return;
        }
        KadId id = KadId.of(peer.bytes());
        if (table.offer(peer, id, known.serverGroup(peer), now) == RoutingTable.Offer.CHECK_OLDEST) {
            PeerId oldest = table.pendingCheck(peer);
            if (oldest != null) {
                probe(oldest, oldest, now);
            }
        }
    }

    /** Asks {@code peer} for the peers closest to us: a real request, so its answer proves it serves the DHT. */
    private void probe(PeerId peer, PeerId checking, long now) {
        List<Multiaddr> addresses = network.addresses(peer);
        send(null, new PeerInfo(peer, addresses), KadMessage.request(KadMessage.Type.FIND_NODE, self.bytes()),
                Purpose.PROBE, checking, now);
    }

    // ---- queries ----

    /**
     * Starts a query.
     *
     * @param key the record key, provider key (a multihash) or lookup key (FIND_NODE: a peer id's bytes)
     * @param value the value to store ({@link Kind#PUT_VALUE}), else {@code null}
     * @param limit providers to find before stopping ({@link Kind#PROVIDERS}) or values that make the quorum
     *     ({@link Kind#GET_VALUE}); 0 for no limit
     * @return the query's id, for {@link #cancel}
     * @throws LimitExceededException when {@code maxQueries} queries are running
     */
    public long start(Kind kind, byte[] key, byte[] value, int limit, Listener listener, long now) {
        if (queries.size() >= config.maxQueries()) {
            throw LimitExceededException.of("kad queries", queries.size(), 1, config.maxQueries());
        }
        Query q = new Query(++nextId, kind, key, value, limit, listener, now);
        queries.put(q.id, q);
        if (!startLocally(q, now)) {
            pump(q, now);
        }
        return q.id;
    }

    /** What our own stores know comes first; returns true when that already ended the query. */
    private boolean startLocally(Query q, long now) {
        switch (q.kind) {
            case FIND_PEER -> {
                PeerId target = peerIdOrNull(q.key);
                List<Multiaddr> known = target == null ? List.of() : network.addresses(target);
                if (!known.isEmpty()) {
                    q.emit(new QueryEvent.FinalPeer(new PeerInfo(target, known)));
                    finish(q, QueryEvent.Outcome.FOUND, now);
                    return true;
                }
            }
            case PROVIDERS -> {
                for (PeerInfo p : localProviders(q.key, now)) {
                    if (foundProvider(q, p, null)) {
                        finish(q, QueryEvent.Outcome.FOUND, now);
                        return true;
                    }
                }
            }
            case GET_VALUE -> {
                RecordStore.Stored stored = records.get(q.key, now);
                if (stored != null) {
                    q.best = stored.value();
                    q.values = 1;
                    q.emit(new QueryEvent.ValueFound(stored.value(), null));
                    if (q.limit > 0 && q.values >= q.limit) {
                        finish(q, QueryEvent.Outcome.FOUND, now);
                        return true;
                    }
                }
            }
            case PUT_VALUE -> {
                try {
                    store(q.key, new KadMessage.Record(q.key, q.value, ""), now);
                } catch (KadRequestException e) {
                    q.emit(new QueryEvent.PeerError(self, e.getMessage()));
                }
            }
            case PROVIDE -> {
                providers.add(q.key, self, now);
                if (!localProvides.containsKey(new ByteKey(q.key))
                        && localProvides.size() >= config.maxLocalProvides()) {
                    Iterator<ByteKey> oldest = localProvides.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
                localProvides.put(new ByteKey(q.key), now);
            }
            default -> { }
        }
        return false;
    }

    /** Stops a query: its requests are abandoned and it ends with {@link QueryEvent.Outcome#CANCELLED}. */
    public void cancel(long queryId, long now) {
        Query q = queries.get(queryId);
        if (q != null) {
            finish(q, QueryEvent.Outcome.CANCELLED, now);
        }
    }

    private void pump(Query q, long now) {
        if (q.storing) {
            if (q.storesPending == 0) {
                finish(q, QueryEvent.Outcome.COMPLETED, now);
            }
            return;
        }
        for (PeerInfo p : q.lookup.next(now)) {
            send(q, p, request(q), Purpose.LOOKUP, null, now);
        }
        if (q.lookup.finished(now)) {
            lookupDone(q, now);
        }
    }

    private KadMessage request(Query q) {
        return KadMessage.request(q.requestType(), q.key);
    }

    private void lookupDone(Query q, long now) {
        cancelOutstanding(q);
        switch (q.kind) {
            case PUT_VALUE, PROVIDE -> {
                List<PeerInfo> closest = q.lookup.closestSucceeded(config.k());
                q.storing = true;
                KadMessage message = q.kind == Kind.PROVIDE ? providerMessage(q.key)
                        : new KadMessage(KadMessage.Type.PUT_VALUE, q.key,
                                new KadMessage.Record(q.key, q.value, ""), List.of(), List.of());
                for (PeerInfo p : closest) {
                    q.storesPending++;
                    send(q, p, message, Purpose.STORE, null, now);
                }
                pump(q, now);
            }
            case GET_VALUE -> {
                correct(q, now);
                finish(q, QueryEvent.Outcome.COMPLETED, now);
            }
            default -> {
                if (q.kind == Kind.CLOSEST) {
                    q.lookup.closestSucceeded(config.k()).forEach(p -> q.emit(new QueryEvent.FinalPeer(p)));
                }
                finish(q, QueryEvent.Outcome.COMPLETED, now);
            }
        }
    }

    /** Sends the best value to the peers that returned a worse one and to the closest that returned none. */
    private void correct(Query q, long now) {
        if (q.best != null) {
            Set<PeerId> correct = new HashSet<>(q.outdated);
            for (PeerInfo p : q.lookup.closestSucceeded(config.k())) {
                if (q.withoutValue.contains(p.peerId())) {
                    correct.add(p.peerId());
                }
            }
            KadMessage put = new KadMessage(KadMessage.Type.PUT_VALUE, q.key,
                    new KadMessage.Record(q.key, q.best, ""), List.of(), List.of());
            for (PeerId p : correct) {
                send(null, new PeerInfo(p, network.addresses(p)), put, Purpose.CORRECTION, null, now);
            }
        }
    }

    private KadMessage providerMessage(byte[] key) {
        return new KadMessage(KadMessage.Type.ADD_PROVIDER, key, null, List.of(),
                List.of(new PeerInfo(self, network.addresses(self))));
    }

    private void finish(Query q, QueryEvent.Outcome outcome, long now) {
        if (queries.remove(q.id) == null) {
            return;
        }
        q.lookup.stop();
        for (Iterator<Request> it = requests.values().iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.query == q) {
                it.remove();
                network.cancel(r.id);
            }
        }
        q.emit(new QueryEvent.Finished(outcome, q.lookup.asked()));
    }

    private void cancelOutstanding(Query q) {
        for (Iterator<Request> it = requests.values().iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.query == q && r.purpose == Purpose.LOOKUP) {
                it.remove();
                network.cancel(r.id);
            }
        }
    }

    private void send(Query q, PeerInfo peer, KadMessage message, Purpose purpose, PeerId checking, long now) {
        long id = ++nextId;
        boolean expectsResponse = message.type() != KadMessage.Type.ADD_PROVIDER;
        requests.put(id, new Request(id, q, peer.peerId(), purpose, now, now + config.requestTimeout().toNanos(),
                checking));
        if (q != null && purpose == Purpose.LOOKUP) {
            q.emit(new QueryEvent.RequestSent(peer.peerId(), message.type()));
        }
        network.send(id, peer, message, expectsResponse);
    }

    // ---- answers ----

    /** {@code response} arrived for {@code requestId} ({@code null}: a message without answer was written). */
    public void responded(long requestId, KadMessage response, long now) {
        Request r = requests.remove(requestId);
        if (r == null) {
            return;
        }
        if (response != null) {
            known.answered(r.peer, now - r.sentAt);
            if (known.isServer(r.peer) && !table.contains(r.peer)) {
                admit(r.peer, now);
            } else if (table.contains(r.peer)) {
                table.offer(r.peer, KadId.of(r.peer.bytes()), null, now);
            }
            learn(response);
        }
        switch (r.purpose) {
            case PROBE -> {
                if (r.checking != null) {
                    table.checked(r.checking, true, now);
                }
            }
            case CORRECTION -> { }
            case STORE -> {
                r.query.storesPending--;
                r.query.emit(new QueryEvent.Stored(r.peer));
                pump(r.query, now);
            }
            case LOOKUP -> lookupAnswered(r, response, now);
        }
    }

    private void learn(KadMessage response) {
        long ttl = config.learnedAddressTtl().toNanos();
        for (PeerInfo p : response.closerPeers()) {
            if (!p.addresses().isEmpty() && !p.peerId().equals(self)) {
                network.learned(p, ttl);
            }
        }
    }

    private void lookupAnswered(Request r, KadMessage response, long now) {
        Query q = r.query;
        List<PeerInfo> closer = closest(response.closerPeers(), q.lookup.target(), config.k());
        q.emit(new QueryEvent.PeerResponse(r.peer, now - r.sentAt, closer, response.providerPeers(),
                response.record() == null ? null : response.record().value()));
        q.lookup.succeeded(r.peer, closer);
        switch (q.kind) {
            case FIND_PEER -> {
                PeerId target = peerIdOrNull(q.key);
                for (PeerInfo p : closer) {
                    if (p.peerId().equals(target) && !p.addresses().isEmpty()) {
                        q.emit(new QueryEvent.FinalPeer(p));
                        finish(q, QueryEvent.Outcome.FOUND, now);
                        return;
                    }
                }
                if (r.peer.equals(target)) {
                    q.emit(new QueryEvent.FinalPeer(new PeerInfo(target, network.addresses(target))));
                    finish(q, QueryEvent.Outcome.FOUND, now);
                    return;
                }
            }
            case PROVIDERS -> {
                for (PeerInfo p : response.providerPeers()) {
                    if (foundProvider(q, p, r.peer)) {
                        finish(q, QueryEvent.Outcome.FOUND, now);
                        return;
                    }
                }
            }
            case GET_VALUE -> {
                if (valueAnswered(q, r.peer, response.record(), now)) {
                    correct(q, now);
                    finish(q, QueryEvent.Outcome.FOUND, now);
                    return;
                }
            }
            default -> { }
        }
        pump(q, now);
    }

    /** The {@code k} of {@code peers} closest to {@code target}: an answer may list more, in any order. */
    private static List<PeerInfo> closest(List<PeerInfo> peers, KadId target, int k) {
        if (peers.size() <= k) {
            return peers;
        }
        return peers.stream()
                .sorted(java.util.Comparator.comparing((PeerInfo p) -> KadId.of(p.peerId().bytes()),
                        target::compareDistance))
                .limit(k).toList();
    }

    /** Emits a provider not seen before; returns true when the query has found as many as it wanted. */
    private boolean foundProvider(Query q, PeerInfo provider, PeerId from) {
        if (q.providers.size() < Lookup.MAX_CANDIDATES && q.providers.add(provider.peerId())) {
            if (!provider.addresses().isEmpty()) {
                network.learned(provider, config.providerAddressTtl().toNanos());
            }
            q.emit(new QueryEvent.ProviderFound(provider, from));
        }
        return q.limit > 0 && q.providers.size() >= q.limit;
    }

    /** Weighs a GET_VALUE answer (spec, "Value retrieval"); returns true when the quorum is reached. */
    private boolean valueAnswered(Query q, PeerId from, KadMessage.Record record, long now) {
        if (record == null || !java.util.Arrays.equals(record.key(), q.key)) {
            q.withoutValue.add(from);
            return false;
        }
        try {
            validators.validate(q.key, record.value(), instant(now));
            q.values++;
            if (q.best == null) {
                q.best = record.value();
                q.bestFrom.add(from);
                q.emit(new QueryEvent.ValueFound(record.value(), from));
            } else if (java.util.Arrays.equals(q.best, record.value())) {
                q.bestFrom.add(from);
            } else if (validators.select(q.key, List.of(q.best, record.value())) == 1) {
                q.outdated.addAll(q.bestFrom);
                q.bestFrom.clear();
                q.bestFrom.add(from);
                q.best = record.value();
                q.emit(new QueryEvent.ValueFound(record.value(), from));
            } else {
                q.outdated.add(from);
            }
        } catch (InvalidRecordException e) {
            q.emit(new QueryEvent.PeerError(from, "invalid record: " + e.getMessage()));
            q.withoutValue.add(from);
        }
        return q.limit > 0 && q.values >= q.limit;
    }

    /** The request {@code requestId} failed: dial error, reset, bad answer or the hard timeout. */
    public void requestFailed(long requestId, String reason, long now) {
        Request r = requests.remove(requestId);
        if (r == null) {
            return;
        }
        if (r.purpose != Purpose.CORRECTION) {
            table.remove(r.purpose == Purpose.PROBE && r.checking != null ? r.checking : r.peer);
        }
        switch (r.purpose) {
            case PROBE -> {
                if (r.checking != null) {
                    table.checked(r.checking, false, now);
                }
            }
            case CORRECTION -> { }
            case STORE -> {
                r.query.storesPending--;
                r.query.emit(new QueryEvent.PeerError(r.peer, reason));
                pump(r.query, now);
            }
            case LOOKUP -> {
                r.query.emit(new QueryEvent.PeerError(r.peer, reason));
                r.query.lookup.failed(r.peer);
                pump(r.query, now);
            }
        }
    }

    // ---- time ----

    /** Starts the self lookup and refreshes every bucket: at start, and after bootstrap peers connected. */
    public void bootstrap(long now) {
        lastSelfLookup = now;
        startInternal(Kind.CLOSEST, self.bytes(), now);
    }

    /** Moves time to {@code now}: request deadlines, query timeouts, maintenance. */
    public void tick(long now) {
        for (Request r : List.copyOf(requests.values())) {
            if (r.deadline <= now && requests.containsKey(r.id)) {
                network.cancel(r.id);
                requestFailed(r.id, "timed out", now);
            }
        }
        for (Query q : List.copyOf(queries.values())) {
            if (!queries.containsKey(q.id)) {
                continue;
            }
            if (q.deadline <= now) {
                timedOut(q, now);
            } else {
                pump(q, now);
            }
        }
        if (now >= nextMaintenance) {
            nextMaintenance = now + MAINTENANCE_PERIOD;
            maintain(now);
        }
        if (now >= nextCollect) {
            nextCollect = now + COLLECT_PERIOD;
            providers.collect(now);
            records.collect(now);
        }
    }

    private void timedOut(Query q, long now) {
        if (q.kind == Kind.CLOSEST && !q.storing) {
            q.lookup.closestSucceeded(config.k()).forEach(p -> q.emit(new QueryEvent.FinalPeer(p)));
        }
        finish(q, QueryEvent.Outcome.TIMED_OUT, now);
    }

    /** When {@link #tick} next has work, epoch nanoseconds. */
    public long nextWakeup() {
        long next = Math.min(nextMaintenance, nextCollect);
        if (!requests.isEmpty()) {
            // Every request gets the same hard timeout, so the oldest has the earliest deadline.
            next = Math.min(next, requests.values().iterator().next().deadline);
        }
        for (Query q : queries.values()) {
            // A storing query's lookup is over: the requests it left in flight were cancelled.
            next = Math.min(next, q.storing ? q.deadline : Math.min(q.deadline, q.lookup.nextDeadline()));
        }
        return next;
    }

    private void maintain(long now) {
        long interval = config.refreshInterval().toNanos();
        if (table.size() == 0) {
            return;
        }
        if (lastSelfLookup == Long.MIN_VALUE || now - lastSelfLookup >= interval) {
            bootstrap(now);
        }
        for (int cpl : table.bucketsToRefresh(now, interval)) {
            if (cpl > MAX_REFRESH_CPL || queries.size() >= config.maxQueries() / 2) {
                break;
            }
            byte[] key = keyWithPrefixLength(cpl);
            if (key != null) {
                startInternal(Kind.CLOSEST, key, now);
            }
        }
        long republish = config.republishInterval().toNanos();
        for (Map.Entry<ByteKey, Long> e : List.copyOf(localProvides.entrySet())) {
            if (queries.size() >= config.maxQueries() / 2) {
                break;
            }
            if (now - e.getValue() >= republish) {
                startInternal(Kind.PROVIDE, e.getKey().bytes(), now);
            }
        }
    }

    private void startInternal(Kind kind, byte[] key, long now) {
        if (queries.size() < config.maxQueries()) {
            start(kind, key, null, 0, null, now);
        }
    }

    /**
     * Random key bytes whose keyspace point shares exactly {@code cpl} leading bits with ours: a refresh target for
     * that bucket. SHA-256 cannot be inverted, so keys are drawn until one fits (2^(cpl+1) draws on average).
     */
    private byte[] keyWithPrefixLength(int cpl) {
        byte[] key = new byte[32];
        for (int i = 0; i < 1 << (cpl + 4); i++) {
            random.nextBytes(key);
            if (selfId.commonPrefixLength(KadId.of(key)) == cpl) {
                return key;
            }
        }
        return null;
    }

    // ---- helpers ----

    /**
     * The peer id {@code key} holds, or {@code null}; a key not shaped like a sha2-256 or identity multihash (a bare
     * refresh digest) is turned away before parsing, without the cost of an exception.
     */
    private static PeerId peerIdOrNull(byte[] key) {
        boolean sha256 = key.length == 34 && key[0] == 0x12 && key[1] == 0x20;
        boolean identity = key.length > 2 && key[0] == 0x00 && key[1] == key.length - 2;
        if (!sha256 && !identity) {
            return null;
        }
        try {
            return PeerId.fromBytes(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static String rfc3339(long epochNanos) {
        return DateTimeFormatter.ISO_INSTANT.format(instant(epochNanos));
    }
}
