package io.peerflux.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakTracker;
import org.junit.jupiter.api.Test;

/** The soak fails on a leak only if its detector counts them: a resource dropped without {@code close} is counted. */
class CountingLeakDetectorTest {

    @Test
    void aResourceCollectedWithoutCloseIsCounted() throws Exception {
        CountingLeakDetector<Object> detector = new CountingLeakDetector<>(Object.class, 1);
        int before = CountingLeakDetector.check().size();
        leak(detector);
        for (int i = 0; i < 20 && CountingLeakDetector.check().size() == before; i++) {
            // Netty reports a leak when a later track() finds the collected resource's reference queued.
            System.gc();
            Thread.sleep(50);
            Object resource = new Object();
            ResourceLeakTracker<Object> next = detector.track(resource);
            if (next != null) {
                next.close(resource);
            }
        }
        assertThat(CountingLeakDetector.check()).hasSizeGreaterThan(before);
    }

    private static void leak(CountingLeakDetector<Object> detector) {
        assertThat(detector.track(new Object())).isNotNull();
    }
}
