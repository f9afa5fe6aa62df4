package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Peerstore;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.record.PeerRecord;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The peerstore's bounds: per peer, in time and in number. */
class MemoryPeerstoreTest {

    static final Multiaddr A = Multiaddr.of("/ip4/1.2.3.4/tcp/1");
    static final Multiaddr B = Multiaddr.of("/ip4/1.2.3.4/tcp/2");

    final AtomicLong clock = new AtomicLong();
    final Set<PeerId> kept = new HashSet<>();
    MemoryPeerstore peerstore = new MemoryPeerstore(clock::get, 100_000, 1L << 30, kept::contains);

    static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
    }

    void at(Duration time) {
        clock.set(time.toNanos());
    }

    @Test
    void addressesExpireAfterTheirTimeToLive() {
        PeerId p = peer();
        peerstore.addAddresses(p, List.of(A), Duration.ofSeconds(10));
        peerstore.addAddresses(p, List.of(B));
        at(Duration.ofSeconds(9));
        assertThat(peerstore.addresses(p)).containsExactly(A, B);
        at(Duration.ofSeconds(10));
        assertThat(peerstore.addresses(p)).containsExactly(B);
    }

    @Test
    void aLongerTimeToLiveExtendsAndPermanentStaysPermanent() {
        PeerId p = peer();
        peerstore.addAddresses(p, List.of(A), Duration.ofSeconds(10));
        peerstore.addAddresses(p, List.of(A), Duration.ofSeconds(60));
        peerstore.addAddresses(p, List.of(B));
        peerstore.addAddresses(p, List.of(B), Duration.ofSeconds(1));
        at(Duration.ofSeconds(30));
        assertThat(peerstore.addresses(p)).containsExactly(A, B);
    }

    @Test
    void aConnectedPeersAddressesLastUntilAWhileAfterItsLastConnection() {
        PeerId p = peer();
        peerstore.connected(p);
        peerstore.connected(p);
        peerstore.addAddresses(p, List.of(A), Peerstore.CONNECTED_ADDRESS_TTL);
        at(Duration.ofHours(5));
        assertThat(peerstore.addresses(p)).containsExactly(A);
        peerstore.disconnected(p);
        at(Duration.ofHours(6));
        assertThat(peerstore.addresses(p)).as("one connection left").containsExactly(A);
        peerstore.disconnected(p);
        at(Duration.ofHours(6).plus(Peerstore.CONNECTED_ADDRESS_TTL).minusSeconds(1));
        assertThat(peerstore.addresses(p)).containsExactly(A);
        at(Duration.ofHours(6).plus(Peerstore.CONNECTED_ADDRESS_TTL));
        assertThat(peerstore.addresses(p)).isEmpty();
    }

    @Test
    void identifyDataOfADisconnectedPeerGoesAfterTheGraceUnlessKept() {
        PeerId gone = peer();
        PeerId tagged = peer();
        kept.add(tagged);
        for (PeerId p : List.of(gone, tagged)) {
            peerstore.connected(p);
            peerstore.addAddresses(p, List.of(A), Peerstore.CONNECTED_ADDRESS_TTL);
            peerstore.setProtocols(p, List.of("/ipfs/kad/1.0.0"));
            peerstore.setAgentVersion(p, "agent");
            peerstore.disconnected(p);
        }
        at(MemoryPeerstore.GRACE);
        sweep();
        assertThat(peerstore.protocols(gone)).isEmpty();
        assertThat(peerstore.agentVersion(gone)).isEmpty();
        assertThat(peerstore.addresses(gone)).as("addresses outlive the grace").containsExactly(A);
        assertThat(peerstore.protocols(tagged)).containsExactly("/ipfs/kad/1.0.0");
        at(Peerstore.CONNECTED_ADDRESS_TTL.plusMinutes(1));
        sweep();
        assertThat(peerstore.peers()).contains(tagged).doesNotContain(gone);
    }

    @Test
    void theNewestCertifiedRecordIsKeptUntilTheGraceAfterTheLastConnection() {
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId p = PeerId.fromPublicKey(key.publicKey());
        peerstore.connected(p);
        peerstore.addAddresses(p, List.of(A), Peerstore.CONNECTED_ADDRESS_TTL);
        PeerRecord first = PeerRecord.create(key, 2, List.of(A));
        assertThat(peerstore.putCertifiedRecord(first)).isTrue();
        assertThat(peerstore.putCertifiedRecord(PeerRecord.create(key, 1, List.of(B)))).as("older").isFalse();
        assertThat(peerstore.putCertifiedRecord(PeerRecord.create(key, 2, List.of(B)))).as("as old").isFalse();
        assertThat(peerstore.certifiedRecord(p)).contains(first);
        PeerRecord newer = PeerRecord.create(key, 3, List.of(B));
        assertThat(peerstore.putCertifiedRecord(newer)).isTrue();
        assertThat(peerstore.certifiedRecord(p)).contains(newer);
        peerstore.disconnected(p);
        at(MemoryPeerstore.GRACE.minusSeconds(1));
        sweep();
        assertThat(peerstore.certifiedRecord(p)).contains(newer);
        at(MemoryPeerstore.GRACE);
        sweep();
        assertThat(peerstore.certifiedRecord(p)).isEmpty();
        assertThat(peerstore.addresses(p)).as("addresses outlive the grace").containsExactly(A);
    }

    @Test
    void peersKnownOnlyThroughExpiredAddressesAreForgotten() {
        List<PeerId> early = Stream.generate(MemoryPeerstoreTest::peer).limit(10).toList();
        early.forEach(p -> peerstore.addAddresses(p, List.of(A), Duration.ofSeconds(1)));
        at(Duration.ofSeconds(2));
        sweep();
        assertThat(peerstore.peers()).doesNotContainAnyElementsOf(early);
    }

    @Test
    void beyondTheCapTheLeastRecentlyUsedPeersThatMayGoAreForgotten() {
        peerstore = new MemoryPeerstore(clock::get, 100, 1L << 30, kept::contains);
        PeerId connected = peer();
        PeerId tagged = peer();
        kept.add(tagged);
        peerstore.connected(connected);
        peerstore.addAddresses(tagged, List.of(A));
        for (int i = 0; i < 1_000; i++) {
            clock.incrementAndGet();
            peerstore.addAddresses(peer(), List.of(A));
        }
        assertThat(peerstore.size()).isLessThanOrEqualTo(100);
        assertThat(peerstore.peers()).contains(connected, tagged);
    }

    @Test
    void beyondTheByteCapTheLeastRecentlyUsedPeersThatMayGoAreForgotten() {
        long cap = 4L << 20;
        peerstore = new MemoryPeerstore(clock::get, 100_000, cap, kept::contains);
        PeerId connected = peer();
        peerstore.connected(connected);
        List<String> large = IntStream.range(0, MemoryPeerstore.MAX_PROTOCOLS)
                .mapToObj(i -> String.format("/%0233d", i)).toList();
        peerstore.setProtocols(connected, large);
        List<PeerId> flood = Stream.generate(MemoryPeerstoreTest::peer).limit(1_000).toList();
        for (PeerId p : flood) {
            clock.incrementAndGet();
            peerstore.setProtocols(p, large);
        }
        assertThat(peerstore.bytes()).isLessThanOrEqualTo(cap).isGreaterThan(cap / 2);
        assertThat(peerstore.protocols(connected)).hasSize(MemoryPeerstore.MAX_PROTOCOLS);
        assertThat(peerstore.peers()).contains(flood.get(flood.size() - 1)).doesNotContain(flood.get(0));
        flood.forEach(p -> peerstore.setProtocols(p, List.of()));
        assertThat(peerstore.bytes()).as("bytes follow every change").isLessThan(cap / 10);
    }

    @Test
    void identifyFieldsAreBounded() {
        PeerId p = peer();
        peerstore.setAgentVersion(p, "x".repeat(100_000));
        peerstore.setProtocols(p, List.of("/ok/1.0.0", "/" + "y".repeat(1_000)));
        assertThat(peerstore.agentVersion(p).orElseThrow()).hasSize(MemoryPeerstore.MAX_AGENT_LENGTH);
        assertThat(peerstore.protocols(p)).containsExactly("/ok/1.0.0");
    }

    /** Enough writes to another peer to pass a sweep. */
    void sweep() {
        PeerId filler = peer();
        kept.add(filler);
        for (int i = 0; i < MemoryPeerstore.SWEEP_EVERY; i++) {
            peerstore.addAddresses(filler, List.of(B));
        }
    }
}
