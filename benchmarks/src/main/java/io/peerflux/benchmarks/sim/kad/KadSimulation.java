package io.peerflux.benchmarks.sim.kad;

import io.peerflux.benchmarks.sim.SimNetwork;
import io.peerflux.benchmarks.sim.Topology;
import io.peerflux.benchmarks.sim.VirtualScheduler;
import io.peerflux.kad.KadId;
import io.peerflux.kad.KadNode;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One run of a {@link Scenario}: {@code nodes} DHT nodes with {@link KademliaConfig#defaults()} join in batches, each
 * through three random nodes that joined before it, and run for the warm-up; then the churn happens (nodes leave
 * without notice, new ones join), and the measurements start at once: provides and their placement, find-peer,
 * find-providers and closest-peers lookups, each from a random live node. {@link #warmUp}, {@link #churn} and {@link
 * #measure} can also be called one by one, to measure one warmed-up network before and after churn (a 10,000-node
 * warm-up is most of a run's cost). Deterministic: one seed, one result.
 */
public final class KadSimulation {

    /** The virtual clock's start, 2025-01-01T00:00:00Z: the node takes epoch nanoseconds. */
    static final long START = 1_735_689_600_000_000_000L;
    /** Nodes join in this many batches, {@link #JOIN_INTERVAL_NANOS} apart. */
    static final int JOIN_BATCHES = 20;
    static final long JOIN_INTERVAL_NANOS = 10_000_000_000L;
    /** Peers a joining node bootstraps from. */
    static final int BOOTSTRAP_PEERS = 3;
    /** Addresses each node's {@link AddressBook} holds. */
    static final int ADDRESS_BOOK_SIZE = 2048;
    /** Time given to nodes joining during churn before measuring. */
    static final long CHURN_JOIN_NANOS = 60_000_000_000L;
    /** Measured queries start this far apart. */
    static final long QUERY_SPACING_NANOS = 20_000_000L;
    /** Random node pairs whose round trips make the median link round trip. */
    static final int RTT_SAMPLES = 100_000;

    private final Scenario scenario;
    private final KademliaConfig config = KademliaConfig.defaults();
    private final SplittableRandom random;
    private final VirtualScheduler scheduler = new VirtualScheduler(START);
    private final Topology topology;
    private final SimNetwork network;
    private final DhtPopulation population;
    private final List<KadPeer> joined = new ArrayList<>();

    public KadSimulation(Scenario scenario) {
        this.scenario = scenario;
        SplittableRandom root = new SplittableRandom(scenario.seed());
        this.topology = new Topology(root.split());
        this.network = new SimNetwork(scheduler, topology, scenario.network(), root.split());
        this.population = new DhtPopulation(network, config, root.split(), ADDRESS_BOOK_SIZE);
        this.random = root.split();
    }

    /** Warms up, applies the scenario's churn and measures. */
    public ScenarioResult run() {
        warmUp();
        churn(scenario.goneFraction(), scenario.joinFraction());
        return measure(scenario);
    }

    /** Joins every node and runs the warm-up. */
    public void warmUp() {
        joinAll();
        scheduler.runUntil(scheduler.now() + scenario.warmup().toNanos());
    }

    /**
     * Makes nodes leave without notice until {@code goneFraction} of the nodes that joined before the warm-up are gone
     * (those gone already count), and lets {@code joinFraction} of that many new nodes join, giving them a minute.
     */
    public void churn(double goneFraction, double joinFraction) {
        List<KadPeer> live = new ArrayList<>(population.live());
        int gone = (int) Math.round(goneFraction * scenario.nodes()) - (scenario.nodes() - countLiveOriginal());
        for (int i = 0; i < gone; i++) {
            int j = i + random.nextInt(live.size() - i);
            KadPeer leaving = live.get(j);
            live.set(j, live.get(i));
            live.set(i, leaving);
            population.leave(leaving);
        }
        joined.removeIf(p -> !network.alive(p.index));
        int joining = (int) Math.round(joinFraction * scenario.nodes());
        if (joining > 0) {
            joinBatch(joining);
            scheduler.runUntil(scheduler.now() + CHURN_JOIN_NANOS);
        }
    }

    /**
     * Measures the network as it is now, from the live nodes: provides and their placement, then find-peer,
     * find-providers and closest-peers lookups. {@code label} is the scenario the result is reported under.
     */
    public ScenarioResult measure(Scenario label) {
        long medianRtt = topology.medianRttNanos(RTT_SAMPLES, random.split());
        List<KadPeer> live = population.live();

        List<byte[]> keys = new ArrayList<>();
        List<KadPeer> providers = new ArrayList<>();
        runQueries(scenario.providers(), () -> {
            KadPeer provider = pick(live);
            byte[] key = randomMultihash();
            keys.add(key);
            providers.add(provider);
            return start(provider, KadNode.Kind.PROVIDE, key, 0, null);
        });
        int[] holders = holders(keys, providers, live);

        int[] known = new int[1];
        List<QueryRecorder> findPeer = runQueries(scenario.lookups(), () -> {
            KadPeer source = pick(live);
            KadPeer target = pickOther(live, source);
            if (!source.network.addresses(target.id).isEmpty()) {
                known[0]++;
                source.addressBook.forget(target.index);
                network.disconnect(source.index, target.index);
            }
            return start(source, KadNode.Kind.FIND_PEER, target.id.bytes(), 0, target.id);
        });

        List<QueryRecorder> findProviders = runQueries(Math.max(1, scenario.lookups() / 2), () -> {
            int i = random.nextInt(keys.size());
            KadPeer source = pickWithout(live, keys.get(i));
            return start(source, KadNode.Kind.PROVIDERS, keys.get(i), 1, providers.get(i).id);
        });

        List<byte[]> closestKeys = new ArrayList<>();
        List<QueryRecorder> closest = runQueries(Math.max(1, scenario.lookups() / 2), () -> {
            byte[] key = randomMultihash();
            closestKeys.add(key);
            return start(pick(live), KadNode.Kind.CLOSEST, key, 0, null);
        });

        return new ScenarioResult(label, live.size(), medianRtt / 1e6, LookupStats.of(findPeer, medianRtt),
                (double) known[0] / findPeer.size(), LookupStats.of(findProviders, medianRtt),
                LookupStats.of(closest, medianRtt), trueShare(closest, closestKeys, live), median(holders),
                Arrays.stream(holders).min().orElse(0), Arrays.stream(holders).average().orElse(Double.NaN),
                (scheduler.now() - START) / 1e9, scheduler.executed(), population.messages());
    }

    /** Node 0 starts alone; the others join in {@link #JOIN_BATCHES} batches, from nodes of earlier batches. */
    private void joinAll() {
        KadPeer first = population.create();
        population.join(first, List.of());
        joined.add(first);
        int remaining = scenario.nodes() - 1;
        int batch = (remaining + JOIN_BATCHES - 1) / JOIN_BATCHES;
        while (remaining > 0) {
            scheduler.runUntil(scheduler.now() + JOIN_INTERVAL_NANOS);
            joinBatch(Math.min(batch, remaining));
            remaining -= Math.min(batch, remaining);
        }
    }

    private void joinBatch(int count) {
        List<KadPeer> earlier = List.copyOf(joined);
        for (int i = 0; i < count; i++) {
            KadPeer peer = population.create();
            List<KadPeer> bootstrap = new ArrayList<>();
            while (bootstrap.size() < Math.min(BOOTSTRAP_PEERS, earlier.size())) {
                KadPeer b = earlier.get(random.nextInt(earlier.size()));
                if (!bootstrap.contains(b) && network.alive(b.index)) {
                    bootstrap.add(b);
                }
            }
            population.join(peer, bootstrap);
            joined.add(peer);
        }
    }

    private int countLiveOriginal() {
        int live = 0;
        for (int i = 0; i < scenario.nodes(); i++) {
            if (network.alive(population.peer(i).index)) {
                live++;
            }
        }
        return live;
    }

    /** Starts {@code count} queries {@link #QUERY_SPACING_NANOS} apart and runs until all have ended. */
    private List<QueryRecorder> runQueries(int count, Supplier<QueryRecorder> next) {
        List<QueryRecorder> queries = new ArrayList<>(count);
        long first = scheduler.now();
        for (int i = 0; i < count; i++) {
            scheduler.runUntil(first + i * QUERY_SPACING_NANOS);
            queries.add(next.get());
        }
        long limit = scheduler.now() + 2 * config.queryTimeout().toNanos();
        if (!scheduler.runUntil(() -> queries.stream().allMatch(QueryRecorder::finished), limit)) {
            throw new IllegalStateException("queries still running after twice the query timeout");
        }
        return queries;
    }

    private QueryRecorder start(KadPeer source, KadNode.Kind kind, byte[] key, int limit, PeerId wanted) {
        QueryRecorder recorder = new QueryRecorder(scheduler, wanted);
        source.node.start(kind, key, null, limit, recorder, scheduler.now());
        population.touched(source);
        return recorder;
    }

    /** For each provided key, how many of the true k closest live nodes hold its provider record. */
    private int[] holders(List<byte[]> keys, List<KadPeer> providers, List<KadPeer> live) {
        int[] out = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            for (KadPeer p : trueClosest(KadId.of(keys.get(i)), live)) {
                if (p.node.providerStore().providers(keys.get(i), scheduler.now(), Integer.MAX_VALUE)
                        .contains(providers.get(i).id)) {
                    out[i]++;
                }
            }
        }
        return out;
    }

    /** The mean share of each closest-peers result that is among the true k closest live nodes. */
    private double trueShare(List<QueryRecorder> queries, List<byte[]> keys, List<KadPeer> live) {
        double sum = 0;
        for (int i = 0; i < queries.size(); i++) {
            Set<PeerId> truth = new HashSet<>();
            trueClosest(KadId.of(keys.get(i)), live).forEach(p -> truth.add(p.id));
            sum += queries.get(i).finalPeers().stream().filter(truth::contains).count() / (double) config.k();
        }
        return sum / queries.size();
    }

    private List<KadPeer> trueClosest(KadId target, List<KadPeer> live) {
        Comparator<KadPeer> fartherFirst = (a, b) -> target.compareDistance(b.kadId, a.kadId);
        PriorityQueue<KadPeer> best = new PriorityQueue<>(config.k() + 1, fartherFirst);
        for (KadPeer p : live) {
            if (!network.alive(p.index)) {
                continue;
            }
            best.add(p);
            if (best.size() > config.k()) {
                best.poll();
            }
        }
        return List.copyOf(best);
    }

    private KadPeer pick(List<KadPeer> live) {
        return live.get(random.nextInt(live.size()));
    }

    private KadPeer pickOther(List<KadPeer> live, KadPeer not) {
        KadPeer p;
        do {
            p = pick(live);
        } while (p == not);
        return p;
    }

    /** A random live node that does not hold {@code key}'s provider record itself (it would answer at once). */
    private KadPeer pickWithout(List<KadPeer> live, byte[] key) {
        KadPeer p;
        do {
            p = pick(live);
        } while (!p.node.providerStore().providers(key, scheduler.now(), 1).isEmpty());
        return p;
    }

    private byte[] randomMultihash() {
        byte[] key = new byte[34];
        key[0] = 0x12;
        key[1] = 0x20;
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        System.arraycopy(digest, 0, key, 2, 32);
        return key;
    }

    private static double median(int[] values) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[(sorted.length - 1) / 2];
    }
}
