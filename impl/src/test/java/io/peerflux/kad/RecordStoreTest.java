package io.peerflux.kad;

import static io.peerflux.kad.KadFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordStoreTest {

    @Test
    void aValueLivesUntilItsExpiry() {
        RecordStore store = new RecordStore(10, 1_000);
        assertThat(store.put(bytes("k"), bytes("v1"), 5, 100)).isTrue();
        RecordStore.Stored stored = store.get(bytes("k"), 99);
        assertThat(stored.value()).isEqualTo(bytes("v1"));
        assertThat(stored.received()).isEqualTo(5);
        assertThat(store.get(bytes("k"), 100)).isNull();
        assertThat(store.get(bytes("absent"), 0)).isNull();
        assertThat(store.collect(99)).isZero();
        assertThat(store.collect(100)).isEqualTo(1);
        assertThat(store.size()).isZero();
        assertThat(store.bytes()).isZero();
    }

    @Test
    void countsTheBytesOfKeysAndValues() {
        RecordStore store = new RecordStore(10, 1_000);
        store.put(bytes("k1"), bytes("abc"), 0, 100);
        store.put(bytes("k2"), bytes("abcdef"), 0, 200);
        assertThat(store.bytes()).isEqualTo(5 + 8);
        store.put(bytes("k1"), bytes("a"), 0, 300); // replaced: the old value's bytes are freed
        assertThat(store.bytes()).isEqualTo(3 + 8);
        assertThat(store.size()).isEqualTo(2);
        store.collect(250);
        assertThat(store.bytes()).isEqualTo(3);
    }

    @Test
    void aFullStoreRefusesNewKeysButReplacesHeldOnes() {
        RecordStore store = new RecordStore(2, 1_000);
        assertThat(store.put(bytes("a"), bytes("1"), 0, 100)).isTrue();
        assertThat(store.put(bytes("b"), bytes("1"), 0, 200)).isTrue();
        assertThat(store.put(bytes("c"), bytes("1"), 0, 200)).isFalse();
        assertThat(store.put(bytes("a"), bytes("2"), 0, 200)).isTrue();
        assertThat(store.get(bytes("a"), 150).value()).isEqualTo(bytes("2"));
        store.put(bytes("b"), bytes("2"), 0, 50);
        store.collect(60);
        assertThat(store.put(bytes("c"), bytes("1"), 0, 200)).isTrue();
    }

    @Test
    void aValueOverTheByteBoundIsRefused() {
        RecordStore store = new RecordStore(10, 10);
        assertThat(store.put(bytes("k"), bytes("123456789"), 0, 100)).isTrue(); // exactly 10
        assertThat(store.put(bytes("j"), bytes(""), 0, 100)).isFalse();
        // A replacement that fits once the old value is freed is accepted; one that does not, refused.
        assertThat(store.put(bytes("k"), bytes("987654321"), 0, 100)).isTrue();
        assertThat(store.put(bytes("k"), bytes("9876543210"), 0, 100)).isFalse();
        assertThat(store.get(bytes("k"), 0).value()).isEqualTo(bytes("987654321"));
        assertThat(store.bytes()).isEqualTo(10);
    }

    @Test
    void reservesWhatItHoldsAndTurnsAwayWhatItsBudgetRefuses() {
        KadFixtures.Budget budget = new KadFixtures.Budget(12);
        RecordStore store = new RecordStore(10, 1_000, budget);
        assertThat(store.put(bytes("k1"), bytes("abcd"), 0, 100)).isTrue();
        assertThat(store.put(bytes("k2"), bytes("abcdefghij"), 0, 200)).isFalse();
        assertThat(store.get(bytes("k2"), 0)).isNull();
        assertThat(store.put(bytes("k2"), bytes("abcd"), 0, 200)).isTrue();
        assertThat(budget.held).isEqualTo(12).isEqualTo(store.bytes());
        store.put(bytes("k1"), bytes("a"), 0, 100); // a smaller value gives back the difference
        assertThat(budget.held).isEqualTo(9).isEqualTo(store.bytes());
        store.collect(300);
        assertThat(budget.held).isZero();
    }
}
