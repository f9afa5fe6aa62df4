package io.peerflux.pubsub;

import static io.peerflux.pubsub.PubsubFixtures.SECOND;
import static io.peerflux.pubsub.PubsubFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.peer.PeerId;
import org.junit.jupiter.api.Test;

class BackoffTableTest {

    private static final PeerId A = PubsubFixtures.peer(1);
    private static final PeerId B = PubsubFixtures.peer(2);

    @Test
    void aBackoffIsPerTopicAndPeerAndOnlyGrows() {
        BackoffTable table = new BackoffTable(10);
        table.add("t", A, T0 + 60 * SECOND);
        table.add("t", A, T0 + 10 * SECOND);
        assertThat(table.active("t", A, T0 + 59 * SECOND)).isTrue();
        assertThat(table.active("t", A, T0 + 60 * SECOND)).isFalse();
        assertThat(table.active("u", A, T0)).isFalse();
        assertThat(table.active("t", B, T0)).isFalse();
        table.expire(T0 + 60 * SECOND);
        assertThat(table.size()).isZero();
    }

    @Test
    void forgetsTheOldestBeyondItsCount() {
        BackoffTable table = new BackoffTable(2);
        table.add("a", A, T0 + SECOND);
        table.add("b", A, T0 + SECOND);
        table.add("c", A, T0 + SECOND);
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.active("a", A, T0)).isFalse();
        assertThat(table.active("c", A, T0)).isTrue();
    }
}
