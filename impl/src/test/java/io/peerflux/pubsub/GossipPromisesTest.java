package io.peerflux.pubsub;

import static io.peerflux.pubsub.PubsubFixtures.SECOND;
import static io.peerflux.pubsub.PubsubFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.peer.PeerId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GossipPromisesTest {

    private static final PeerId A = PubsubFixtures.peer(1);
    private static final PeerId B = PubsubFixtures.peer(2);

    private static MessageId id(int n) {
        return MessageId.of(new byte[] {(byte) n});
    }

    @Test
    void aPromiseNotKeptByItsDeadlineIsBrokenOnce() {
        GossipPromises promises = new GossipPromises(10);
        promises.add(A, id(1), T0 + 3 * SECOND);
        promises.add(B, id(1), T0 + 3 * SECOND);
        promises.add(A, id(2), T0 + 3 * SECOND);
        promises.add(A, id(3), T0 + 3 * SECOND);
        promises.fulfilled(id(3));
        assertThat(promises.broken(T0 + 2 * SECOND)).isEmpty();
        assertThat(promises.broken(T0 + 3 * SECOND)).isEqualTo(Map.of(A, 2, B, 1));
        assertThat(promises.broken(T0 + 4 * SECOND)).isEmpty();
        assertThat(promises.size()).isZero();
    }

    @Test
    void tracksAtMostItsCountOfIds() {
        GossipPromises promises = new GossipPromises(1);
        promises.add(A, id(1), T0);
        promises.add(A, id(2), T0);
        promises.add(B, id(1), T0);
        assertThat(promises.broken(T0)).isEqualTo(Map.of(A, 1, B, 1));
    }
}
