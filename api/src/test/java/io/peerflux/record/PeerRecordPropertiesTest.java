package io.peerflux.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Peer records read back as made, for every key type, and no single changed byte gets past {@link PeerRecord#open}. */
class PeerRecordPropertiesTest {

    private static final PrivateKey[] KEYS = {
        PrivateKey.generateEd25519(), PrivateKey.generateSecp256k1(), PrivateKey.generateEcdsaP256(),
    };

    @Provide
    Arbitrary<PrivateKey> keys() {
        return Arbitraries.of(KEYS);
    }

    @Provide
    Arbitrary<List<Multiaddr>> addresses() {
        Arbitrary<Multiaddr> ip4 = Combinators.combine(Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(0, 65535))
                .as((octet, port) -> Multiaddr.of("/ip4/10.0.0." + octet + "/tcp/" + port));
        Arbitrary<Multiaddr> quic = Arbitraries.integers().between(0, 65535)
                .map(port -> Multiaddr.of("/ip6/::1/udp/" + port + "/quic-v1"));
        return Arbitraries.oneOf(ip4, quic).list().ofMaxSize(PeerRecord.MAX_ADDRESSES);
    }

    @Property(tries = 200)
    void recordsReadBackAsMade(@ForAll("keys") PrivateKey key, @ForAll long seq,
                               @ForAll("addresses") List<Multiaddr> addresses) throws Exception {
        PeerRecord made = PeerRecord.create(key, seq, addresses);
        PeerRecord opened = PeerRecord.open(made.envelope().bytes());
        assertThat(opened.peerId()).isEqualTo(PeerId.fromPublicKey(key.publicKey()));
        assertThat(opened.seq()).isEqualTo(seq);
        assertThat(opened.addresses()).isEqualTo(addresses);
        assertThat(opened).isEqualTo(made);
    }

    @Property(tries = 300)
    void anyChangedByteIsRejected(@ForAll("keys") PrivateKey key, @ForAll long seq,
                                  @ForAll("addresses") List<Multiaddr> addresses,
                                  @ForAll int position, @ForAll byte change) {
        if (change == 0) {
            return;
        }
        byte[] bytes = PeerRecord.create(key, seq, addresses).envelope().bytes();
        bytes[Math.floorMod(position, bytes.length)] ^= change;
        assertThatThrownBy(() -> PeerRecord.open(bytes)).isInstanceOf(InvalidEnvelopeException.class);
    }
}
