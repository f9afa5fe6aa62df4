package io.peerflux.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.peer.PeerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link RoutingTable#closest} ranks buckets instead of sorting the table: it must agree with sorting it. */
class RoutingTableClosestTest {

    @Test
    void closestAgreesWithSortingTheWholeTable() {
        SplittableRandom random = new SplittableRandom(3);
        for (int table = 0; table < 20; table++) {
            KadId self = KadId.of(bytes(random));
            RoutingTable routing = new RoutingTable(self, 20, IpGroups.unlimited(), 0);
            for (int i = 0; i < 2000; i++) {
                PeerId peer = PeerId.fromBytes(multihash(random));
                routing.offer(peer, KadId.of(peer.bytes()), null, 0);
            }
            List<KadId> targets = new ArrayList<>(List.of(self));
            routing.entries().stream().limit(5).forEach(e -> targets.add(e.id()));
            for (int i = 0; i < 50; i++) {
                targets.add(KadId.of(bytes(random)));
                targets.add(self.withPrefixOf(random.nextInt(12), KadId.of(bytes(random))));
            }
            for (KadId target : targets) {
                for (int count : new int[] {1, 20, 21, 1000}) {
                    List<RoutingTable.Entry> sorted = new ArrayList<>(routing.entries());
                    sorted.sort(Comparator.comparing(RoutingTable.Entry::id, target::compareDistance));
                    assertThat(routing.closest(target, count))
                            .containsExactlyElementsOf(sorted.subList(0, Math.min(count, sorted.size())));
                }
            }
        }
    }

    private static byte[] bytes(SplittableRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }

    private static byte[] multihash(SplittableRandom random) {
        byte[] b = new byte[34];
        random.nextBytes(b);
        b[0] = 0x12;
        b[1] = 0x20;
        return b;
    }
}
