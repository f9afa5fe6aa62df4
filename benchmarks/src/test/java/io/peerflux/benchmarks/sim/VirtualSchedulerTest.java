package io.peerflux.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {

    @Test
    void runsByTimeThenByTheOrderScheduled() {
        VirtualScheduler scheduler = new VirtualScheduler(100);
        List<String> ran = new ArrayList<>();
        scheduler.at(300, () -> ran.add("c"));
        scheduler.at(200, () -> ran.add("a"));
        scheduler.at(200, () -> {
            ran.add("b");
            scheduler.after(0, () -> ran.add("b2"));
        });
        scheduler.at(50, () -> ran.add("past"));

        scheduler.runUntil(250);

        assertThat(ran).containsExactly("past", "a", "b", "b2");
        assertThat(scheduler.now()).isEqualTo(250);
    }

    @Test
    void cancelledEventsDoNotRun() {
        VirtualScheduler scheduler = new VirtualScheduler(0);
        List<String> ran = new ArrayList<>();
        scheduler.at(10, () -> ran.add("kept"));
        scheduler.at(10, () -> ran.add("cancelled")).cancel();

        scheduler.runUntil(20);

        assertThat(ran).containsExactly("kept");
        assertThat(scheduler.executed()).isEqualTo(1);
    }

    @Test
    void runsUntilDoneOrTheLimit() {
        VirtualScheduler scheduler = new VirtualScheduler(0);
        List<Long> times = new ArrayList<>();
        for (long t = 10; t <= 50; t += 10) {
            long at = t;
            scheduler.at(t, () -> times.add(at));
        }

        assertThat(scheduler.runUntil(() -> times.size() == 2, 100)).isTrue();
        assertThat(scheduler.now()).isEqualTo(20);
        assertThat(scheduler.runUntil(() -> times.size() == 9, 45)).isFalse();
        assertThat(times).containsExactly(10L, 20L, 30L, 40L);
        assertThat(scheduler.now()).isEqualTo(45);
    }
}
