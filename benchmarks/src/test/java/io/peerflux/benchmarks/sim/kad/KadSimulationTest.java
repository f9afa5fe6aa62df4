package io.peerflux.benchmarks.sim.kad;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The targets on a warmed-up network of 1,000 nodes, before and after a fifth of them left without notice,
 * and the simulator's determinism. Each figure is in multiples of the run's median link round trip.
 */
class KadSimulationTest {

    /** One bucket-refresh round after the last join: enough for 1,000 nodes, and half the cost of two. */
    private static final Duration WARMUP = Duration.ofMinutes(11);

    @Test
    void thousandNodesMeetTheTargetsBeforeAndAfterAFifthLeaveWithoutNotice() {
        Scenario scenario = Scenario.of(1000, 42).withLookups(400, 50).withWarmup(WARMUP);
        KadSimulation simulation = new KadSimulation(scenario);
        simulation.warmUp();

        ScenarioResult stable = simulation.measure(scenario);
        assertThat(stable.findPeer().successRate()).isEqualTo(1.0);
        assertThat(stable.findProviders().successRate()).isEqualTo(1.0);
        assertThat(stable.findPeer().medianRtts()).isLessThanOrEqualTo(SimReport.MEDIAN_RTTS);
        assertThat(stable.findPeer().p95Rtts()).isLessThanOrEqualTo(SimReport.P95_RTTS);
        assertThat(stable.findProviders().p95Rtts()).isLessThanOrEqualTo(SimReport.P95_RTTS);
        assertThat(stable.provideHoldersMedian()).isGreaterThanOrEqualTo(SimReport.HOLDERS);

        simulation.churn(0.2, 0);
        ScenarioResult churned = simulation.measure(scenario.withChurn(0.2, 0));
        assertThat(churned.liveNodes()).isEqualTo(800);
        assertThat(churned.findPeer().successRate()).isGreaterThanOrEqualTo(SimReport.CHURN_SUCCESS);
        assertThat(churned.findProviders().successRate()).isGreaterThanOrEqualTo(SimReport.CHURN_SUCCESS);
        assertThat(churned.findPeer().p95Rtts()).isLessThanOrEqualTo(SimReport.CHURN_P95_RTTS);
        assertThat(churned.findProviders().p95Rtts()).isLessThanOrEqualTo(SimReport.CHURN_P95_RTTS);
        assertThat(churned.provideHoldersMedian()).isGreaterThanOrEqualTo(SimReport.HOLDERS);
    }

    @Test
    void theSameSeedGivesTheSameFigures() {
        Scenario scenario = Scenario.of(100, 7).withChurn(0.2, 0.1).withLookups(100, 20)
                .withNetwork(io.peerflux.benchmarks.sim.NetworkParameters.defaults().withLossRate(0.01))
                .withWarmup(Duration.ofMinutes(2));

        String first = new KadSimulation(scenario).run().csvRow();
        String second = new KadSimulation(scenario).run().csvRow();

        assertThat(second).isEqualTo(first);
        assertThat(new KadSimulation(scenario.withLookups(100, 21)).run().csvRow()).isNotEqualTo(first);
    }
}
