package io.peerflux.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.peerflux.peer.PeerId;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class KnownPeersTest {

    static final long MS = 1_000_000L;

    final Random random = new Random(5);
    final PeerId a = KadFixtures.peer(random);
    final PeerId b = KadFixtures.peer(random);
    final PeerId c = KadFixtures.peer(random);

    /** RFC 6298 section 2 in floating point: what the integer estimate must track. */
    static double reference(List<Long> samples) {
        double srtt = samples.get(0);
        double rttvar = srtt / 2;
        for (long r : samples.subList(1, samples.size())) {
            rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - r);
            srtt = 0.875 * srtt + 0.125 * r;
        }
        return srtt + 4 * rttvar;
    }

    @Property
    void tracksSrttPlusFourRttvar(@ForAll @Size(min = 1, max = 60) List<@LongRange(min = MS, max = 5_000 * MS) Long> samples) {
        KnownPeers rtt = new KnownPeers(10, 2_000 * MS, 1, Long.MAX_VALUE);
        samples.forEach(s -> rtt.answered(a, s));
        // Integer arithmetic truncates a few nanoseconds per sample; the filters forget old errors.
        assertThat((double) rtt.timeout(a)).isCloseTo(reference(samples), within(100.0));
        assertThat(rtt.timeout(b)).as("the network-wide figure, same samples").isEqualTo(rtt.timeout(a));
    }

    @Test
    void convergesOnASteadyRoundTrip() {
        KnownPeers rtt = new KnownPeers(10, 2_000 * MS, 1, 10_000 * MS);
        rtt.answered(a, 400 * MS);
        assertThat(rtt.timeout(a)).isEqualTo(400 * MS + 4 * 200 * MS);
        for (int i = 0; i < 200; i++) {
            rtt.answered(a, 100 * MS);
        }
        assertThat(rtt.timeout(a)).isBetween(100 * MS, 100 * MS + 100);
    }

    @Test
    void clampsToMinAndMax() {
        KnownPeers rtt = new KnownPeers(10, 2_000 * MS, 50 * MS, 3_000 * MS);
        assertThat(rtt.timeout(a)).isEqualTo(2_000 * MS);
        rtt.answered(a, MS);
        assertThat(rtt.timeout(a)).isEqualTo(50 * MS);
        rtt.answered(b, 9_000 * MS);
        assertThat(rtt.timeout(b)).isEqualTo(3_000 * MS);
        assertThat(new KnownPeers(10, 60_000 * MS, 50 * MS, 3_000 * MS).timeout(a)).isEqualTo(3_000 * MS);
    }

    @Test
    void unknownPeersGetTheNetworkWideFigure() {
        KnownPeers rtt = new KnownPeers(10, 2_000 * MS, 1, 100_000 * MS);
        rtt.answered(a, 10 * MS);
        rtt.answered(b, 30 * MS);
        rtt.answered(b, 30 * MS);
        assertThat((double) rtt.timeout(c)).isCloseTo(reference(List.of(10 * MS, 30 * MS, 30 * MS)), within(100.0));
        assertThat(rtt.timeout(a)).isEqualTo(10 * MS + 4 * 5 * MS);
    }

    @Test
    void remembersAtMostMaxPeersForgettingTheLeastRecentlyUsed() {
        KnownPeers rtt = new KnownPeers(2, 2_000 * MS, 1, 100_000 * MS);
        rtt.answered(a, 10 * MS);
        rtt.answered(b, 1_000 * MS);
        rtt.answered(c, 1_000 * MS);
        rtt.answered(b, 1_000 * MS);
        // a is forgotten: it gets the network-wide figure, which c, never asked, gets too.
        PeerId unknown = KadFixtures.peer(random);
        assertThat(rtt.timeout(a)).isEqualTo(rtt.timeout(unknown)).isNotEqualTo(10 * MS + 4 * 5 * MS);
        assertThat(rtt.timeout(c)).isEqualTo(1_000 * MS + 4 * 500 * MS);
    }

    @Test
    void oneEntryPerPeerHoldsWhatIdentifySaidWhetherItAnsweredAndItsRoundTrip() {
        KnownPeers known = new KnownPeers(10, 2_000 * MS, 1, 100_000 * MS);
        known.identified(a, true, "ip4:1.2.3");
        known.identified(b, true, null);
        known.identified(c, false, "ip4:4.5.6");
        known.answered(a, 10 * MS);
        assertThat(known.servers()).containsExactlyInAnyOrder(a, b);
        assertThat(known.serverGroup(a)).isEqualTo("ip4:1.2.3");
        assertThat(known.serverGroup(b)).as("exempt from the diversity filter").isNull();
        assertThat(known.isServer(c)).isFalse();
        assertThat(known.identifiedPeer(c.bytes())).isEqualTo(c);
        PeerId onlyAnswered = KadFixtures.peer(random);
        known.answered(onlyAnswered, 10 * MS);
        assertThat(known.identifiedPeer(onlyAnswered.bytes())).isNull();
        assertThat(known.answered(a)).isTrue();
        assertThat(known.answered(b)).isFalse();

        known.identified(a, false, null);
        assertThat(known.isServer(a)).as("stopped serving").isFalse();
        assertThat(known.answered(a)).as("its answers are still remembered").isTrue();
        assertThat(known.timeout(a)).isEqualTo(10 * MS + 4 * 5 * MS);
    }
}
