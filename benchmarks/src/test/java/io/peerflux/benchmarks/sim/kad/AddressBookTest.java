package io.peerflux.benchmarks.sim.kad;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class AddressBookTest {

    /** One step: add (0), forget (1) or advance the clock (2), on a node number. */
    record Step(int kind, int peer, long ttl) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 200), Arbitraries.longs().between(1, 50)).as(Step::new);
        return step.list().ofMaxSize(400);
    }

    /** Below its capacity the table answers exactly as a map of expiries does. */
    @Property
    void agreesWithAMapBelowCapacity(@ForAll("steps") List<Step> steps) {
        AddressBook book = new AddressBook(1_000);
        Map<Integer, Long> reference = new HashMap<>();
        long now = 0;
        for (Step s : steps) {
            switch (s.kind()) {
                case 0 -> {
                    book.add(s.peer(), now + s.ttl(), now);
                    reference.merge(s.peer(), now + s.ttl(), Math::max);
                }
                case 1 -> {
                    book.forget(s.peer());
                    reference.remove(s.peer());
                }
                default -> now += s.ttl();
            }
            for (int p = 0; p <= 200; p++) {
                Long expiry = reference.get(p);
                assertThat(book.knows(p, now)).as("peer %d at %d", p, now).isEqualTo(expiry != null && expiry > now);
            }
        }
    }

    @Test
    void atCapacityDropsTheExpiredThenThoseClosestToExpiry() {
        AddressBook book = new AddressBook(8);
        for (int p = 0; p < 8; p++) {
            book.add(p, 100 + p, 0);
        }
        book.add(8, 200, 0);
        assertThat(book.knows(0, 0)).as("closest to expiry: dropped").isFalse();
        assertThat(book.knows(1, 0)).isFalse();
        assertThat(book.knows(7, 0)).isTrue();
        assertThat(book.knows(8, 0)).isTrue();

        AddressBook expired = new AddressBook(4);
        for (int p = 0; p < 4; p++) {
            expired.add(p, p < 2 ? 10 : 100, 0);
        }
        expired.add(4, 100, 50);
        assertThat(expired.knows(2, 50)).as("only the expired went").isTrue();
        assertThat(expired.knows(3, 50)).isTrue();
        assertThat(expired.knows(4, 50)).isTrue();
    }
}
