package io.peerflux.benchmarks.sim.kad;

import io.peerflux.benchmarks.sim.NetworkParameters;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The simulator's command line: runs every combination of the listed node counts, churn, loss and connection setup
 * costs, one after another, and writes the {@link SimReport}.
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
        List<Scenario> scenarios = new ArrayList<>();
        for (int n : nodes) {
            for (double g : gone) {
                for (double l : loss) {
                    for (int c : connectRtts) {
                        scenarios.add(Scenario.of(n, seed).withChurn(g, g > 0 ? join : 0)
                                .withNetwork(NetworkParameters.defaults().withLossRate(l).withConnectRtts(c))
                                .withLookups(lookups, providers).withWarmup(warmup));
                    }
                }
            }
        }
        for (Scenario s : scenarios) {
            System.out.println("running " + s.name() + " ...");
            resetPeaks();
            long started = System.nanoTime();
            ScenarioResult result = new KadSimulation(s).run();
            RunCost cost = new RunCost((System.nanoTime() - started) / 1e9, peakHeapMiB(),
                    Runtime.getRuntime().maxMemory() >> 20);
            report.add(result, cost);
            report.printLatest(System.out);
            report.write(out);
        }
        report.print(System.out);
        System.out.println("wrote " + out.resolve("dht-sim.csv") + ", dht-sim-cost.csv and dht-sim.png");
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
                + "--lookups 1000 --providers 100 --warmup-minutes 21 --out dir");
        System.exit(2);
        return null;
    }
}
