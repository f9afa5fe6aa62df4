package io.peerflux.kad;

import static io.peerflux.kad.KadFixtures.SECOND;
import static io.peerflux.kad.KadFixtures.T0;
import static io.peerflux.kad.KadFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.peer.PeerId;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProviderStoreTest {

    static final long TTL = 100 * SECOND;

    final Random random = new Random(11);
    final List<PeerId> peers = KadFixtures.peers(random, 10);

    @Test
    void aRecordLivesForItsTtl() {
        ProviderStore store = new ProviderStore(100, 10, TTL);
        assertThat(store.add(bytes("k"), peers.get(0), T0)).isTrue();
        assertThat(store.providers(bytes("k"), T0, 10)).containsExactly(peers.get(0));
        assertThat(store.providers(bytes("k"), T0 + TTL - SECOND, 10)).containsExactly(peers.get(0));
        assertThat(store.providers(bytes("k"), T0 + TTL, 10)).isEmpty();
        assertThat(store.providers(bytes("other"), T0, 10)).isEmpty();
        assertThat(store.collect(T0 + TTL - SECOND)).isZero();
        assertThat(store.collect(T0 + TTL)).isEqualTo(1);
        assertThat(store.size()).isZero();
        assertThat(store.keys()).isZero();
    }

    @Test
    void renewalPushesTheExpiryBackWithoutANewRecord() {
        ProviderStore store = new ProviderStore(100, 10, TTL);
        store.add(bytes("k"), peers.get(0), T0);
        store.add(bytes("k"), peers.get(0), T0 + 50 * SECOND);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.collect(T0 + TTL)).isZero();
        assertThat(store.providers(bytes("k"), T0 + TTL + 49 * SECOND, 10)).containsExactly(peers.get(0));
        assertThat(store.collect(T0 + TTL + 50 * SECOND)).isEqualTo(1);
    }

    @Test
    void providersSkipsExpiredRecordsAndStopsAtMax() {
        ProviderStore store = new ProviderStore(100, 10, TTL);
        store.add(bytes("k"), peers.get(0), T0);
        for (int i = 1; i < 5; i++) {
            store.add(bytes("k"), peers.get(i), T0 + 10 * SECOND);
        }
        assertThat(store.providers(bytes("k"), T0 + TTL, 10)).containsExactlyInAnyOrderElementsOf(peers.subList(1, 5));
        assertThat(store.providers(bytes("k"), T0, 2)).hasSize(2);
    }

    @Test
    void aFullStoreRefusesNewRecordsUntilCollected() {
        ProviderStore store = new ProviderStore(3, 10, TTL);
        assertThat(store.add(bytes("a"), peers.get(0), T0)).isTrue();
        assertThat(store.add(bytes("b"), peers.get(0), T0)).isTrue();
        assertThat(store.add(bytes("b"), peers.get(1), T0 + SECOND)).isTrue();
        assertThat(store.add(bytes("c"), peers.get(0), T0 + SECOND)).isFalse();
        assertThat(store.add(bytes("a"), peers.get(2), T0 + SECOND)).isFalse();
        // Renewing what is held is not a new record.
        assertThat(store.add(bytes("a"), peers.get(0), T0 + SECOND)).isTrue();
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.collect(T0 + TTL)).isEqualTo(1); // b's first record
        assertThat(store.add(bytes("c"), peers.get(0), T0 + TTL)).isTrue();
        assertThat(store.keys()).isEqualTo(3);
    }

    @Test
    void aKeyAtItsCapReplacesTheRecordClosestToExpiry() {
        ProviderStore store = new ProviderStore(100, 3, TTL);
        store.add(bytes("k"), peers.get(0), T0 + 5 * SECOND);
        store.add(bytes("k"), peers.get(1), T0);
        store.add(bytes("k"), peers.get(2), T0 + 9 * SECOND);
        assertThat(store.add(bytes("k"), peers.get(3), T0 + 10 * SECOND)).isTrue();
        assertThat(store.providers(bytes("k"), T0 + 10 * SECOND, 10))
                .containsExactlyInAnyOrder(peers.get(0), peers.get(2), peers.get(3));
        assertThat(store.size()).isEqualTo(3);
        // Replacing needs no room in the store either.
        ProviderStore full = new ProviderStore(1, 1, TTL);
        full.add(bytes("k"), peers.get(0), T0);
        assertThat(full.add(bytes("k"), peers.get(1), T0)).isTrue();
        assertThat(full.providers(bytes("k"), T0, 10)).containsExactly(peers.get(1));
    }

    @Test
    void onePeerInManyKeysIsOneInstance() {
        ProviderStore store = new ProviderStore(100, 10, TTL);
        PeerId first = PeerId.fromBytes(peers.get(0).bytes());
        PeerId second = PeerId.fromBytes(peers.get(0).bytes());
        assertThat(second).isEqualTo(first).isNotSameAs(first);
        store.add(bytes("a"), first, T0);
        store.add(bytes("b"), second, T0 + SECOND);
        assertThat(store.providers(bytes("b"), T0, 1).get(0)).isSameAs(first);
        // Once every record of the peer is gone, a new instance is kept.
        store.collect(T0 + TTL + SECOND);
        assertThat(store.size()).isZero();
        store.add(bytes("c"), second, T0 + TTL + SECOND);
        assertThat(store.providers(bytes("c"), T0 + TTL + SECOND, 1).get(0)).isSameAs(second);
    }

    @Test
    void keysAreComparedByContent() {
        ProviderStore store = new ProviderStore(100, 10, TTL);
        store.add(new byte[] {1, 2, 3}, peers.get(0), T0);
        assertThat(store.providers(new byte[] {1, 2, 3}, T0, 10)).containsExactly(peers.get(0));
        assertThat(store.keys()).isEqualTo(1);
    }

    @Test
    void eachRecordReservesItsBytesAndABudgetThatRefusesTurnsRecordsAway() {
        KadFixtures.Budget budget = new KadFixtures.Budget(2 * ProviderStore.RECORD_BYTES);
        ProviderStore store = new ProviderStore(100, 10, TTL, budget);
        assertThat(store.add(bytes("a"), peers.get(0), T0)).isTrue();
        assertThat(store.add(bytes("b"), peers.get(1), T0)).isTrue();
        assertThat(store.add(bytes("c"), peers.get(2), T0)).isFalse();
        assertThat(store.add(bytes("a"), peers.get(0), T0 + SECOND)).as("a renewal costs nothing").isTrue();
        assertThat(budget.held).isEqualTo(2 * ProviderStore.RECORD_BYTES);
        store.collect(T0 + TTL);
        assertThat(budget.held).isEqualTo(ProviderStore.RECORD_BYTES);
        assertThat(store.add(bytes("c"), peers.get(2), T0 + TTL)).isTrue();
    }
}
