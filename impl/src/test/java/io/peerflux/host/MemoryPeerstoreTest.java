package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Addresses with a time to live expire, and peers known only through them are forgotten. */
class MemoryPeerstoreTest {

    final AtomicLong clock = new AtomicLong();
    final MemoryPeerstore peerstore = new MemoryPeerstore(clock::get);
    static final Multiaddr A = Multiaddr.of("/ip4/1.2.3.4/tcp/1");
    static final Multiaddr B = Multiaddr.of("/ip4/1.2.3.4/tcp/2");

    static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
    }

    @Test
    void addressesExpireAfterTheirTimeToLive() {
        PeerId p = peer();
        peerstore.addAddresses(p, List.of(A), Duration.ofSeconds(10));
        peerstore.addAddresses(p, List.of(B));
        clock.set(Duration.ofSeconds(9).toNanos());
        assertThat(peerstore.addresses(p)).containsExactly(A, B);
        clock.set(Duration.ofSeconds(10).toNanos());
        assertThat(peerstore.addresses(p)).containsExactly(B);
    }

    @Test
    void aLongerTimeToLiveExtendsAndPermanentStaysPermanent() {
        PeerId p = peer();
        peerstore.addAddresses(p, List.of(A), Duration.ofSeconds(10));
        peerstore.addAddresses(p, List.of(A), Duration.ofSeconds(60));
        peerstore.addAddresses(p, List.of(B));
        peerstore.addAddresses(p, List.of(B), Duration.ofSeconds(1));
        clock.set(Duration.ofSeconds(30).toNanos());
        assertThat(peerstore.addresses(p)).containsExactly(A, B);
    }

    @Test
    void peersKnownOnlyThroughExpiredAddressesAreForgotten() {
        PeerId keyed = peer();
        peerstore.putPublicKey(keyed, keyed.publicKey().orElseThrow());
        peerstore.addAddresses(keyed, List.of(A), Duration.ofSeconds(1));
        List<PeerId> early = java.util.stream.Stream.generate(MemoryPeerstoreTest::peer).limit(10).toList();
        early.forEach(p -> peerstore.addAddresses(p, List.of(A), Duration.ofSeconds(1)));
        clock.set(Duration.ofSeconds(2).toNanos());
        for (int i = 0; i < MemoryPeerstore.SWEEP_EVERY; i++) {
            peerstore.addAddresses(peer(), List.of(B), Duration.ofSeconds(60));
        }
        // A sweep ran after the early peers expired: the peer with a key stays, they are gone.
        assertThat(peerstore.peers()).contains(keyed).doesNotContainAnyElementsOf(early)
                .hasSize(1 + MemoryPeerstore.SWEEP_EVERY);
        assertThat(peerstore.addresses(keyed)).isEmpty();
    }
}
