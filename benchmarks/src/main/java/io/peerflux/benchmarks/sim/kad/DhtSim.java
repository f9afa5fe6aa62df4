package io.peerflux.benchmarks.sim.kad;

import io.peerflux.benchmarks.sim.NetworkParameters;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The simulator's command line: for every combination of the listed node counts, loss rates and connection setup
 * costs, warms one network up and measures it at each listed share of nodes gone (ascending, the same network losing
 * more nodes each time), and writes the {@link SimReport}.
 *
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar io.peerflux.benchmarks.sim.kad.DhtSim \
 *     --nodes 100,1000 --gone 0,0.2 --loss 0 --connect-rtts 1 --seed 1 --lookups 1000 --out target/dht-sim
 * </pre>
 */
public final class DhtSim {

    private DhtSim() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> nodes = List.of(100, 1000);
        List<Double> gone = List.of(0.0);
        List<Double> loss = List.of(0.0);
        List<Integer> connectRtts = List.of(1);
        double join = 0;
        long seed = 1;
        int lookups = 1000;
        int providers = 100;
        Duration warmup = Scenario.DEFAULT_WARMUP;
        Path out = Path.of("dht-sim");
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value for " + args[i]);
            switch (args[i]) {
                case "--nodes" -> nodes = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--gone" -> gone = Arrays.stream(value.split(",")).map(Double::valueOf).toList();
                case "--join" -> join = Double.parseDouble(value);
                case "--loss" -> loss = Arrays.stream(value.split(",")).map(Double::valueOf).toList();
                case "--connect-rtts" -> connectRtts = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--seed" -> seed = Long.parseLong(value);
                case "--lookups" -> lookups = Integer.parseInt(value);
                case "--providers" -> providers = Integer.parseInt(value);
                case "--warmup-minutes" -> warmup = Duration.ofMinutes(Long.parseLong(value));
                case "--out" -> out = Path.of(value);
                default -> usage("unknown flag " + args[i]);
            }
        }
        SimReport report = new SimReport();
        List<Double> goneAscending = gone.stream().sorted().toList();
        for (int n : nodes) {
            for (double l : loss) {
                for (int c : connectRtts) {
                    Scenario base = Scenario.of(n, seed)
                            .withNetwork(NetworkParameters.defaults().withLossRate(l).withConnectRtts(c))
                            .withLookups(lookups, providers).withWarmup(warmup);
                    run(base, goneAscending, join, report, out);
                }
            }
        }
        report.print(System.out);
        System.out.println("wrote " + out.resolve("dht-sim.csv") + ", dht-sim-cost.csv and dht-sim.png");
    }

    /**
     * Warms one network up, then measures it at each churn level in turn (the first with its warm-up's cost, the
     * others with the cost of their own measurement).
     */
    private static void run(Scenario base, List<Double> goneAscending, double join, SimReport report, Path out)
            throws java.io.IOException {
        System.out.println("warming up " + base.nodes() + " nodes ...");
        resetPeaks();
        long started = System.nanoTime();
        KadSimulation simulation = new KadSimulation(base);
        simulation.warmUp();
        for (double g : goneAscending) {
            Scenario scenario = base.withChurn(g, g > 0 ? join : 0);
            simulation.churn(scenario.goneFraction(), scenario.joinFraction());
            ScenarioResult result = simulation.measure(scenario);
            report.add(result, new RunCost((System.nanoTime() - started) / 1e9, peakHeapMiB(),
                    Runtime.getRuntime().maxMemory() >> 20));
            report.printLatest(System.out);
            report.write(out);
            resetPeaks();
            started = System.nanoTime();
        }
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static double peakHeapMiB() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1048576.0;
    }

    private static String usage(String problem) {
        System.err.println(problem);
        System.err.println("flags: --nodes 100,1000 --gone 0,0.2 --join 0 --loss 0,0.01 --connect-rtts 1,0 --seed 1 "
                + "--lookups 1000 --providers 100 --warmup-minutes 11 --out dir");
        System.exit(2);
        return null;
    }
}
