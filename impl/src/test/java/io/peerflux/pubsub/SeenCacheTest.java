package io.peerflux.pubsub;

import static io.peerflux.pubsub.PubsubFixtures.SECOND;
import static io.peerflux.pubsub.PubsubFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenCacheTest {

    private static MessageId id(int n) {
        return MessageId.of(new byte[] {(byte) n});
    }

    @Test
    void anIdIsNewOnceWithinItsTtlFromFirstSeen() {
        SeenCache seen = new SeenCache(10, 120 * SECOND);
        assertThat(seen.add(id(1), T0)).isTrue();
        assertThat(seen.add(id(1), T0 + 60 * SECOND)).as("seen again, not extended").isFalse();
        assertThat(seen.contains(id(1), T0 + 119 * SECOND)).isTrue();
        assertThat(seen.contains(id(1), T0 + 120 * SECOND)).isFalse();
        assertThat(seen.add(id(1), T0 + 120 * SECOND)).isTrue();
    }

    @Test
    void forgetsTheOldestBeyondItsCount() {
        SeenCache seen = new SeenCache(3, 120 * SECOND);
        for (int i = 0; i < 5; i++) {
            seen.add(id(i), T0 + i);
        }
        assertThat(seen.size()).isEqualTo(3);
        assertThat(seen.contains(id(1), T0 + 5)).isFalse();
        assertThat(seen.contains(id(2), T0 + 5)).isTrue();
    }
}
