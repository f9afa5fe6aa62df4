package io.peerflux.kad;

import static io.peerflux.kad.KadFixtures.info;
import static io.peerflux.kad.KadFixtures.infos;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.ToLongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LookupTest {

    static final long TIMEOUT = KadFixtures.SECOND;

    final Random random = new Random(3);
    final KadId target = KadFixtures.id(random);
    final PeerId self = KadFixtures.peer(random);
    /** Twenty peers, closest to the target first. */
    final List<PeerId> near = KadFixtures.byDistance(target, KadFixtures.peers(random, 20));

    /** Every request times out (goes late) after exactly one second. */
    static ToLongFunction<PeerId> fixedTimeouts() {
        return peer -> TIMEOUT;
    }

    Lookup lookup(int k, int alpha, List<PeerId> seeds) {
        return new Lookup(target, self, k, alpha, fixedTimeouts(), infos(seeds));
    }

    static List<PeerId> ids(List<PeerInfo> infos) {
        return infos.stream().map(PeerInfo::peerId).toList();
    }

    List<PeerId> near(int... indexes) {
        List<PeerId> out = new ArrayList<>();
        for (int i : indexes) {
            out.add(near.get(i));
        }
        return out;
    }

    @Test
    void asksAtMostAlphaAtOnceClosestFirst() {
        Lookup lookup = lookup(3, 2, List.of(near.get(5), near.get(1), near.get(9), near.get(0)));
        assertThat(ids(lookup.next(0))).containsExactlyElementsOf(near(0, 1));
        assertThat(lookup.next(0)).isEmpty();
        assertThat(lookup.state(near.get(0))).isEqualTo(Lookup.State.WAITING);
        lookup.succeeded(near.get(1), List.of());
        assertThat(ids(lookup.next(0))).containsExactly(near.get(5));
        assertThat(lookup.nextDeadline()).isEqualTo(TIMEOUT);
        assertThat(lookup.outstanding()).containsExactlyInAnyOrderElementsOf(near(0, 5));
    }

    @Test
    void endsWhenTheKClosestAnswered() {
        Lookup lookup = lookup(3, 3, near.subList(0, 10));
        assertThat(ids(lookup.next(0))).containsExactlyElementsOf(near(0, 1, 2));
        lookup.succeeded(near.get(0), List.of());
        lookup.succeeded(near.get(2), List.of());
        assertThat(lookup.finished(0)).isFalse();
        // Slots are free, but only the k closest are asked: nobody farther.
        assertThat(lookup.next(0)).isEmpty();
        lookup.succeeded(near.get(1), List.of());
        assertThat(lookup.finished(0)).isTrue();
        assertThat(lookup.asked()).isEqualTo(3);
        assertThat(ids(lookup.closestSucceeded(2))).containsExactlyElementsOf(near(0, 1));
        assertThat(ids(lookup.closestSucceeded(10))).containsExactlyElementsOf(near(0, 1, 2));
    }

    @Test
    void failedPeersAreSkippedAndFartherOnesAsked() {
        Lookup lookup = lookup(2, 2, near.subList(0, 6));
        lookup.next(0);
        lookup.failed(near.get(0));
        assertThat(lookup.state(near.get(0))).isEqualTo(Lookup.State.FAILED);
        assertThat(ids(lookup.next(0))).containsExactly(near.get(2));
        lookup.succeeded(near.get(1), List.of());
        lookup.succeeded(near.get(2), List.of());
        assertThat(lookup.finished(0)).isTrue();
        assertThat(ids(lookup.closestSucceeded(2))).containsExactlyElementsOf(near(1, 2));
        // A failure or answer reported again, or for a peer never asked, changes nothing.
        lookup.failed(near.get(1));
        lookup.succeeded(near.get(0), List.of());
        lookup.succeeded(near.get(5), List.of());
        assertThat(ids(lookup.closestSucceeded(2))).containsExactlyElementsOf(near(1, 2));
    }

    @Test
    void closerPeersFromAnAnswerAreAskedNext() {
        Lookup lookup = lookup(2, 1, near(10, 11));
        assertThat(ids(lookup.next(0))).containsExactly(near.get(10));
        lookup.succeeded(near.get(10), infos(near(3, 0, 15)));
        assertThat(ids(lookup.next(0))).containsExactly(near.get(0));
        lookup.succeeded(near.get(0), List.of());
        assertThat(ids(lookup.next(0))).containsExactly(near.get(3));
        lookup.succeeded(near.get(3), List.of());
        assertThat(lookup.finished(0)).isTrue();
        assertThat(lookup.state(near.get(11))).isEqualTo(Lookup.State.HEARD);
    }

    @Test
    void aLatePeerFreesItsSlotAndStopsBlockingTheEndButItsAnswerStillCounts() {
        Lookup lookup = lookup(2, 2, near(1, 2, 3, 4));
        assertThat(ids(lookup.next(0))).containsExactlyElementsOf(near(1, 2));
        lookup.succeeded(near.get(2), List.of());
        assertThat(lookup.next(TIMEOUT - 1)).isEmpty();
        // near[1] outlives its timeout: late. Its slot goes to near[3].
        assertThat(ids(lookup.next(TIMEOUT))).containsExactly(near.get(3));
        assertThat(lookup.state(near.get(1))).isEqualTo(Lookup.State.LATE);
        assertThat(lookup.outstanding()).containsExactlyInAnyOrderElementsOf(near(1, 3));
        lookup.succeeded(near.get(3), List.of());
        assertThat(lookup.finished(TIMEOUT)).isTrue();
        // The late answer arrives, naming a closer peer: the lookup is not over until that one answered too.
        lookup.succeeded(near.get(1), infos(near(0)));
        assertThat(lookup.state(near.get(1))).isEqualTo(Lookup.State.SUCCEEDED);
        assertThat(lookup.finished(TIMEOUT)).isFalse();
        assertThat(ids(lookup.next(TIMEOUT))).containsExactly(near.get(0));
        lookup.succeeded(near.get(0), List.of());
        assertThat(lookup.finished(TIMEOUT)).isTrue();
        assertThat(ids(lookup.closestSucceeded(2))).containsExactlyElementsOf(near(0, 1));
    }

    @Test
    void aLatePeerThatFailsFreesNoSecondSlot() {
        Lookup lookup = lookup(5, 2, near.subList(0, 8));
        lookup.next(0);
        assertThat(lookup.next(TIMEOUT)).hasSize(2); // both late: two new requests
        lookup.failed(near.get(0)); // late, then failed: its slot was already given back
        assertThat(lookup.next(TIMEOUT)).isEmpty();
    }

    @Test
    void anAnswerWithMoreThanKPeersIsTakenWholeButOnlyTheKClosestAreAsked() {
        Lookup lookup = lookup(3, 10, near(19));
        lookup.next(0);
        lookup.succeeded(near.get(19), infos(near.subList(0, 12)));
        assertThat(ids(lookup.next(0))).containsExactlyElementsOf(near(0, 1, 2));
        for (PeerId p : near(0, 1, 2)) {
            lookup.succeeded(p, List.of());
        }
        assertThat(lookup.finished(0)).isTrue();
        assertThat(lookup.state(near.get(11))).isEqualTo(Lookup.State.HEARD);
    }

    @Test
    void neverAddsItself() {
        Lookup lookup = new Lookup(target, self, 3, 3, fixedTimeouts(), List.of(info(self), info(near.get(4))));
        assertThat(ids(lookup.next(0))).containsExactly(near.get(4));
        lookup.succeeded(near.get(4), List.of(info(self)));
        assertThat(lookup.state(self)).isNull();
        assertThat(lookup.finished(0)).isTrue();
    }

    @Test
    void remembersAtMostMaxCandidatesKeepingTheClosest() {
        Random r = new Random(9);
        List<PeerId> many = KadFixtures.byDistance(target, KadFixtures.peers(r, Lookup.MAX_CANDIDATES + 300));
        Lookup lookup = lookup(20, 3, many.subList(many.size() - 3, many.size()));
        List<PeerId> asked = ids(lookup.next(0));
        List<PeerId> shuffled = new ArrayList<>(many);
        java.util.Collections.shuffle(shuffled, r);
        lookup.succeeded(asked.get(0), infos(shuffled));
        long known = many.stream().filter(p -> lookup.state(p) != null).count();
        assertThat(known).isEqualTo(Lookup.MAX_CANDIDATES);
        // The asked peers stay (still waiting, or answered); the closest heard ones are kept.
        assertThat(asked).allSatisfy(p -> assertThat(lookup.state(p)).isNotNull());
        assertThat(many.subList(0, 400)).allSatisfy(p -> assertThat(lookup.state(p)).isNotNull());
    }

    @Test
    void stopEndsItAtOnce() {
        Lookup lookup = lookup(3, 3, near.subList(0, 5));
        lookup.next(0);
        lookup.stop();
        assertThat(lookup.finished(0)).isTrue();
        assertThat(lookup.next(0)).isEmpty();
        assertThat(lookup.outstanding()).hasSize(3);
    }

    @Test
    void noSeedsIsFinishedAtOnce() {
        Lookup lookup = lookup(3, 3, List.of());
        assertThat(lookup.next(0)).isEmpty();
        assertThat(lookup.finished(0)).isTrue();
        assertThat(lookup.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    /**
     * A random network where every live peer answers with the true k closest live peers to the target (a perfect
     * oracle), in a random order, and some peers fail: the lookup ends on exactly the k closest live peers, with never
     * more than alpha requests in flight.
     */
    @Property(tries = 300)
    void findsTheTrueKClosestLivePeers(@ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int size,
                                       @ForAll @IntRange(min = 1, max = 8) int k,
                                       @ForAll @IntRange(min = 1, max = 5) int alpha) {
        Random r = new Random(seed);
        PeerId me = KadFixtures.peer(r);
        KadId t = KadFixtures.id(r);
        List<PeerId> network = KadFixtures.peers(r, size);
        Set<PeerId> failing = new HashSet<>();
        for (PeerId p : network) {
            if (r.nextInt(4) == 0) {
                failing.add(p);
            }
        }
        List<PeerId> live = KadFixtures.byDistance(t, network.stream().filter(p -> !failing.contains(p)).toList());
        List<PeerId> seeds = new ArrayList<>();
        for (int i = 0; i < 1 + r.nextInt(5); i++) {
            seeds.add(network.get(r.nextInt(size)));
        }
        if (!live.isEmpty()) {
            seeds.add(live.get(r.nextInt(live.size())));
        }
        List<PeerInfo> answer = infos(live.subList(0, Math.min(k, live.size())));

        Lookup lookup = new Lookup(t, me, k, alpha, fixedTimeouts(), infos(seeds));
        List<PeerId> inFlight = new ArrayList<>();
        while (true) {
            inFlight.addAll(ids(lookup.next(0)));
            assertThat(inFlight).hasSizeLessThanOrEqualTo(alpha).doesNotHaveDuplicates();
            if (lookup.finished(0)) {
                break;
            }
            assertThat(inFlight).as("not finished, yet nothing to wait for").isNotEmpty();
            PeerId p = inFlight.remove(r.nextInt(inFlight.size()));
            if (failing.contains(p)) {
                lookup.failed(p);
            } else {
                lookup.succeeded(p, answer);
            }
        }
        assertThat(ids(lookup.closestSucceeded(k))).containsExactlyElementsOf(live.subList(0, Math.min(k, live.size())));
    }
}
