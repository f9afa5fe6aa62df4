package io.peerflux.benchmarks.sim.kad;

import static io.peerflux.benchmarks.sim.kad.LookupStats.f;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one run measured; the same seed gives the same result, so every figure here is deterministic (the wall
 * time and heap a run took are in {@link RunCost}, kept apart).
 *
 * @param liveNodes nodes alive when measuring
 * @param medianRttMs the median round trip between two nodes of the run, the unit of the {@code _rtts} figures
 * @param findPeerKnownShare the share of find-peer targets whose addresses the querying node already held or that it was
 *     connected to (a real find-peer answers those at once; the simulation makes it forget them and closes the
 *     connection, so that every lookup measures the DHT)
 * @param closestTrueShare the share of a closest-peers lookup's result that is among the true 20 closest live nodes
 * @param provideHoldersMedian of the true 20 closest live nodes to a provided key, how many hold its provider record
 * @param dhtMessages DHT requests and one-way messages sent by all nodes over the whole run
 */
public record ScenarioResult(Scenario scenario, int liveNodes, double medianRttMs, LookupStats findPeer,
                             double findPeerKnownShare, LookupStats findProviders, LookupStats closest,
                             double closestTrueShare, double provideHoldersMedian, int provideHoldersMin,
                             double provideHoldersMean, double simulatedSeconds, long events, long dhtMessages) {

    static String csvHeader() {
        List<String> columns = new ArrayList<>(List.of("scenario", "nodes", "seed", "gone", "joined", "loss",
                "connect_rtts", "live_nodes", "median_rtt_ms"));
        for (String c : LookupStats.COLUMNS) {
            columns.add("find_peer_" + c);
        }
        columns.add("find_peer_known_share");
        for (String c : LookupStats.COLUMNS) {
            columns.add("find_providers_" + c);
        }
        for (String c : LookupStats.COLUMNS) {
            columns.add("closest_" + c);
        }
        columns.addAll(List.of("closest_true_share", "provide_holders_median", "provide_holders_min",
                "provide_holders_mean", "simulated_s", "events", "dht_messages"));
        return String.join(",", columns);
    }

    String csvRow() {
        List<String> values = new ArrayList<>(List.of(scenario.name(), Integer.toString(scenario.nodes()),
                Long.toString(scenario.seed()), f(scenario.goneFraction()), f(scenario.joinFraction()),
                f(scenario.network().lossRate()), Integer.toString(scenario.network().connectRtts()),
                Integer.toString(liveNodes), f(medianRttMs)));
        values.addAll(List.of(findPeer.csvValues()));
        values.add(f(findPeerKnownShare));
        values.addAll(List.of(findProviders.csvValues()));
        values.addAll(List.of(closest.csvValues()));
        values.addAll(List.of(f(closestTrueShare), f(provideHoldersMedian), Integer.toString(provideHoldersMin),
                f(provideHoldersMean), f(simulatedSeconds), Long.toString(events), Long.toString(dhtMessages)));
        return String.join(",", values);
    }
}
