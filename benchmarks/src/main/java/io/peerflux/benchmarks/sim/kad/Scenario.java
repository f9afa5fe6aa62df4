package io.peerflux.benchmarks.sim.kad;

import io.peerflux.benchmarks.sim.NetworkParameters;
import java.time.Duration;
import java.util.Locale;

/**
 * One simulation run's inputs.
 *
 * @param nodes how many nodes join before the warm-up
 * @param goneFraction the share of nodes that leave without notice after the warm-up, before measuring
 * @param joinFraction new nodes (as a share of {@code nodes}) that join after the warm-up, next to those leaving
 * @param lookups find-peer lookups measured (find-providers and closest-peers lookups: half as many each)
 * @param providers keys provided, each by a random node, for placement and find-providers
 * @param warmup simulated time between the last join and the measurements (refreshes run every 10 minutes)
 */
public record Scenario(int nodes, long seed, double goneFraction, double joinFraction, NetworkParameters network,
                       int lookups, int providers, Duration warmup) {

    /**
     * One bucket-refresh round after the last join, and a maintenance period to start it: what lets 10,000 nodes run
     * in 10 minutes (a second round changes the figures at 1,000 nodes by a few hundredths of a round trip).
     */
    public static final Duration DEFAULT_WARMUP = Duration.ofMinutes(11);

    public Scenario {
        if (nodes < 2 || goneFraction < 0 || goneFraction >= 1 || joinFraction < 0 || lookups < 1 || providers < 1) {
            throw new IllegalArgumentException("at least 2 nodes, 1 lookup and 1 provider; fractions in [0, 1)");
        }
    }

    /** {@code nodes} nodes, no churn, the default network, 1,000 lookups, 100 providers, the default warm-up. */
    public static Scenario of(int nodes, long seed) {
        return new Scenario(nodes, seed, 0, 0, NetworkParameters.defaults(), 1000, 100, DEFAULT_WARMUP);
    }

    public Scenario withChurn(double goneFraction, double joinFraction) {
        return new Scenario(nodes, seed, goneFraction, joinFraction, network, lookups, providers, warmup);
    }

    public Scenario withNetwork(NetworkParameters network) {
        return new Scenario(nodes, seed, goneFraction, joinFraction, network, lookups, providers, warmup);
    }

    public Scenario withLookups(int lookups, int providers) {
        return new Scenario(nodes, seed, goneFraction, joinFraction, network, lookups, providers, warmup);
    }

    public Scenario withWarmup(Duration warmup) {
        return new Scenario(nodes, seed, goneFraction, joinFraction, network, lookups, providers, warmup);
    }

    /** A short name, such as {@code n1000-gone20-loss1-c1}. */
    public String name() {
        return String.format(Locale.ROOT, "n%d-gone%.0f%s-loss%s-c%d", nodes, goneFraction * 100,
                joinFraction > 0 ? String.format(Locale.ROOT, "-join%.0f", joinFraction * 100) : "",
                trim(network.lossRate() * 100), network.connectRtts());
    }

    private static String trim(double percent) {
        return percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
    }
}
