package io.peerflux.kad;

import static io.peerflux.kad.KadFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.kad.RoutingTable.Offer;
import io.peerflux.peer.PeerId;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

    static final int K = 4;
    static final long HOUR = 3_600 * KadFixtures.SECOND;

    final Random random = new Random(1);
    final KadId self = KadFixtures.id(random);

    /** A peer whose point falls in bucket {@code cpl} (the table takes the point as given). */
    record Peer(PeerId peer, KadId id) {}

    Peer inBucket(int cpl) {
        return new Peer(KadFixtures.peer(random), self.withPrefixOf(cpl, KadFixtures.id(random)));
    }

    static Offer offer(RoutingTable table, Peer p, String group, long now) {
        return table.offer(p.peer, p.id, group, now);
    }

    static List<PeerId> bucketOrder(RoutingTable table) {
        return table.entries().stream().map(RoutingTable.Entry::peer).toList();
    }

    /** A table whose bucket 3 is full of K peers, added in order at times 1..K. */
    List<Peer> fullBucket(RoutingTable table) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < K; i++) {
            Peer p = inBucket(3);
            peers.add(p);
            assertThat(offer(table, p, null, i + 1)).isEqualTo(Offer.ADDED);
        }
        return peers;
    }

    RoutingTable table() {
        return new RoutingTable(self, K, IpGroups.unlimited(), 0);
    }

    @Test
    void fillsABucketToKThenAsksToCheckTheLeastRecentlySeen() {
        RoutingTable table = table();
        List<Peer> peers = fullBucket(table);
        assertThat(table.bucketSize(3)).isEqualTo(K);
        assertThat(offer(table, peers.get(0), null, 10)).isEqualTo(Offer.UPDATED);
        // peers[0] is now the most recently seen: peers[1] is the oldest.
        Peer candidate = inBucket(3);
        assertThat(offer(table, candidate, null, 11)).isEqualTo(Offer.CHECK_OLDEST);
        assertThat(table.pendingCheck(candidate.peer)).isEqualTo(peers.get(1).peer);
        assertThat(offer(table, inBucket(3), null, 12)).isEqualTo(Offer.FULL);
        assertThat(table.contains(candidate.peer)).isFalse();
        assertThat(table.size()).isEqualTo(K);
        // Other buckets are not affected.
        assertThat(offer(table, inBucket(4), null, 13)).isEqualTo(Offer.ADDED);
        assertThat(offer(table, new Peer(KadFixtures.peer(random), self), null, 14)).isEqualTo(Offer.SELF);
    }

    @Test
    void aLiveOldPeerStaysAsMostRecentAndTheCandidateIsDropped() {
        RoutingTable table = table();
        List<Peer> peers = fullBucket(table);
        Peer candidate = inBucket(3);
        assertThat(offer(table, candidate, null, 10)).isEqualTo(Offer.CHECK_OLDEST);
        table.checked(peers.get(0).peer, true, 20);
        assertThat(table.contains(candidate.peer)).isFalse();
        assertThat(bucketOrder(table)).containsExactly(peers.get(1).peer, peers.get(2).peer, peers.get(3).peer,
                peers.get(0).peer);
        assertThat(table.entries().get(K - 1).lastSeen()).isEqualTo(20);
        // The check is over: the next candidate starts a new one, of the new oldest.
        Peer next = inBucket(3);
        assertThat(offer(table, next, null, 21)).isEqualTo(Offer.CHECK_OLDEST);
        assertThat(table.pendingCheck(next.peer)).isEqualTo(peers.get(1).peer);
    }

    @Test
    void aDeadOldPeerIsReplacedByTheCandidate() {
        RoutingTable table = table();
        List<Peer> peers = fullBucket(table);
        Peer candidate = inBucket(3);
        offer(table, candidate, null, 10);
        table.checked(peers.get(1).peer, false, 20); // not the one under check: ignored
        assertThat(table.contains(peers.get(1).peer)).isTrue();
        table.checked(peers.get(0).peer, false, 20);
        assertThat(table.contains(peers.get(0).peer)).isFalse();
        assertThat(table.contains(candidate.peer)).isTrue();
        assertThat(table.size()).isEqualTo(K);
        assertThat(table.pendingCheck(candidate.peer)).isNull();
    }

    @Test
    void removingThePeerUnderCheckPromotesTheCandidate() {
        RoutingTable table = table();
        List<Peer> peers = fullBucket(table);
        Peer candidate = inBucket(3);
        offer(table, candidate, null, 10);
        assertThat(table.remove(peers.get(0).peer)).isTrue();
        assertThat(table.contains(candidate.peer)).isTrue();
        assertThat(table.size()).isEqualTo(K);
        assertThat(table.remove(peers.get(0).peer)).isFalse();
        // No check left behind: the bucket is full again, the next candidate starts a fresh check.
        assertThat(offer(table, inBucket(3), null, 11)).isEqualTo(Offer.CHECK_OLDEST);
    }

    @Test
    void aCandidateThatGotInMeanwhileIsNotAddedTwice() {
        RoutingTable table = table();
        List<Peer> peers = fullBucket(table);
        Peer candidate = inBucket(3);
        assertThat(offer(table, candidate, null, 10)).isEqualTo(Offer.CHECK_OLDEST);
        table.remove(peers.get(2).peer); // room in the bucket: the candidate gets in on its own
        assertThat(offer(table, candidate, null, 11)).isEqualTo(Offer.ADDED);
        table.remove(peers.get(0).peer); // the peer under check leaves
        assertThat(bucketOrder(table)).doesNotHaveDuplicates().hasSize(table.size());
        assertThat(table.remove(candidate.peer)).isTrue();
        assertThat(bucketOrder(table)).doesNotContain(candidate.peer);
    }

    @Test
    void aCandidateThatFailedMeanwhileIsNotPromoted() {
        RoutingTable table = table();
        List<Peer> peers = fullBucket(table);
        Peer candidate = inBucket(3);
        offer(table, candidate, null, 10);
        assertThat(table.remove(candidate.peer)).isFalse(); // it failed us (or stopped serving) before the check ended
        assertThat(table.pendingCheck(candidate.peer)).isNull();
        table.checked(peers.get(0).peer, false, 20);
        assertThat(table.contains(candidate.peer)).isFalse();
        table.remove(peers.get(1).peer);
        assertThat(table.contains(candidate.peer)).isFalse();
    }

    @Property(tries = 200)
    void closestIsTheBruteForceSort(@ForAll long seed, @ForAll @IntRange(max = 300) int size,
                                    @ForAll @IntRange(max = 40) int count) {
        Random r = new Random(seed);
        KadId me = KadFixtures.id(r);
        RoutingTable table = new RoutingTable(me, K, IpGroups.unlimited(), 0);
        for (int i = 0; i < size; i++) {
            // Half the peers near us, so that deep buckets fill too.
            KadId id = r.nextBoolean() ? KadFixtures.id(r) : me.withPrefixOf(r.nextInt(12), KadFixtures.id(r));
            table.offer(KadFixtures.peer(r), id, null, i);
        }
        KadId target = r.nextBoolean() ? KadFixtures.id(r) : me.withPrefixOf(r.nextInt(8), KadFixtures.id(r));
        List<KadId> expected = table.entries().stream().map(RoutingTable.Entry::id)
                .sorted(Comparator.comparing(target::distance)).limit(count).toList();
        assertThat(table.closest(target, count)).extracting(RoutingTable.Entry::id).containsExactlyElementsOf(expected);
    }

    // ---- diversity ----

    @Test
    void boundsOneNetworkBlockPerTableAndPerBucket() {
        RoutingTable table = new RoutingTable(self, K, new IpGroups(3, 2), 0);
        assertThat(offer(table, inBucket(0), "ip4/1.2.3", 0)).isEqualTo(Offer.ADDED);
        assertThat(offer(table, inBucket(0), "ip4/1.2.3", 0)).isEqualTo(Offer.ADDED);
        assertThat(offer(table, inBucket(0), "ip4/1.2.3", 0)).isEqualTo(Offer.REJECTED_DIVERSITY);
        Peer third = inBucket(1);
        assertThat(offer(table, third, "ip4/1.2.3", 0)).isEqualTo(Offer.ADDED);
        assertThat(offer(table, inBucket(2), "ip4/1.2.3", 0)).isEqualTo(Offer.REJECTED_DIVERSITY);
        // Other blocks and exempt peers are not limited by it.
        assertThat(offer(table, inBucket(0), "ip4/1.2.4", 0)).isEqualTo(Offer.ADDED);
        for (int i = 0; i < K; i++) {
            assertThat(offer(table, inBucket(5), null, 0)).isEqualTo(Offer.ADDED);
        }
        // A peer leaving frees its place.
        table.remove(third.peer);
        assertThat(offer(table, inBucket(2), "ip4/1.2.3", 0)).isEqualTo(Offer.ADDED);
        assertThat(offer(table, inBucket(3), "ip4/1.2.3", 0)).isEqualTo(Offer.REJECTED_DIVERSITY);
    }

    @Test
    void aFloodFromOneBlockLeavesAtMostThreeInTheTable() {
        RoutingTable table = new RoutingTable(self, 20, new IpGroups(3, 2), 0);
        Random r = new Random(7);
        for (int i = 0; i < 1_000; i++) {
            PeerId p = KadFixtures.peer(r);
            String group = IpGroups.groupOf(List.of(tcp("203.0.113." + (i % 250 + 1), 4001 + i)));
            Offer o = table.offer(p, KadFixtures.idOf(p), group, i);
            if (o == Offer.CHECK_OLDEST) {
                table.checked(table.pendingCheck(p), false, i);
            }
        }
        assertThat(table.size()).isLessThanOrEqualTo(3);
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void aCandidatePromotedByRemovalCountsTheRemovedPeerAsGone() {
        RoutingTable table = new RoutingTable(self, 2, new IpGroups(2, 2), 0);
        Peer a = inBucket(1);
        offer(table, a, "ip4/1.2.3", 1);
        offer(table, inBucket(1), null, 2);
        Peer candidate = inBucket(1);
        assertThat(offer(table, candidate, "ip4/1.2.3", 3)).isEqualTo(Offer.CHECK_OLDEST);
        assertThat(offer(table, inBucket(6), "ip4/1.2.3", 4)).isEqualTo(Offer.ADDED); // the block is at its limit
        table.remove(a.peer); // a's place in the block is free again: the candidate takes it
        assertThat(table.contains(candidate.peer)).isTrue();
    }

    @Test
    void groupsAreSlash24AndSlash48AndLocalAddressesAreExempt() throws Exception {
        for (String exempt : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1",
                "100.127.255.254", "169.254.1.1", "0.0.0.0", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1")) {
            assertThat(IpGroups.groupOf(InetAddress.getByName(exempt))).as(exempt).isNull();
        }
        assertThat(IpGroups.groupOf(InetAddress.getByName("8.8.8.8"))).isEqualTo("ip4/8.8.8");
        assertThat(IpGroups.groupOf(InetAddress.getByName("8.8.8.200"))).isEqualTo("ip4/8.8.8");
        assertThat(IpGroups.groupOf(InetAddress.getByName("100.128.0.1"))).isEqualTo("ip4/100.128.0");
        assertThat(IpGroups.groupOf(InetAddress.getByName("100.63.0.1"))).isEqualTo("ip4/100.63.0");
        String v6 = IpGroups.groupOf(InetAddress.getByName("2001:db8:ff01:1::1"));
        assertThat(v6).isEqualTo("ip6/2001:0db8:ff01");
        assertThat(IpGroups.groupOf(InetAddress.getByName("2001:db8:ff01:ffff::9"))).isEqualTo(v6);
        assertThat(IpGroups.groupOf(InetAddress.getByName("2001:db8:ff02::1"))).isNotEqualTo(v6);
        // A peer listing a loopback address and a public one is grouped by the public one.
        assertThat(IpGroups.groupOf(List.of(tcp("127.0.0.1", 1), tcp("8.8.4.4", 1)))).isEqualTo("ip4/8.8.4");
        assertThat(IpGroups.groupOf(List.of(tcp("127.0.0.1", 1), tcp("fd00::1", 1)))).isNull();
    }

    @Test
    void bucketsToRefreshAreTheUnusedOnesUpToTheDeepestNonEmpty() {
        RoutingTable table = table();
        assertThat(table.bucketsToRefresh(10 * HOUR, HOUR)).isEmpty();
        offer(table, inBucket(0), null, 0);
        offer(table, inBucket(4), null, 0);
        assertThat(table.bucketsToRefresh(HOUR - 1, HOUR)).isEmpty();
        assertThat(table.bucketsToRefresh(HOUR, HOUR)).containsExactly(0, 1, 2, 3, 4);
        table.used(self.withPrefixOf(2, KadFixtures.id(random)), HOUR / 2);
        table.used(self, HOUR / 2); // our own point has no bucket: ignored
        assertThat(table.bucketsToRefresh(HOUR, HOUR)).containsExactly(0, 1, 3, 4);
        assertThat(table.bucketsToRefresh(HOUR / 2 + HOUR, HOUR)).containsExactly(0, 1, 2, 3, 4);
    }
}
