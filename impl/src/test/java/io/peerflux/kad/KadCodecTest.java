package io.peerflux.kad;

import static io.peerflux.kad.KadFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.peerflux.ProtocolViolationException;
import io.peerflux.kad.pb.KadProtos;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class KadCodecTest {

    static final String PROTOCOL = "/test/kad";
    static final int MAX_PEERS = 20;

    static KadMessage decode(byte[] bytes) {
        return KadCodec.decode(bytes, MAX_PEERS, PROTOCOL);
    }

    @Property(tries = 300)
    void everyMessageRoundTrips(@ForAll("messages") KadMessage message) {
        KadMessage back = decode(KadCodec.encode(message));
        assertThat(back.type()).isEqualTo(message.type());
        assertThat(back.key()).isEqualTo(message.key());
        if (message.record() == null) {
            assertThat(back.record()).isNull();
        } else {
            assertThat(back.record().key()).isEqualTo(message.record().key());
            assertThat(back.record().value()).isEqualTo(message.record().value());
            assertThat(back.record().timeReceived()).isEqualTo(message.record().timeReceived());
        }
        assertThat(back.closerPeers()).isEqualTo(message.closerPeers());
        assertThat(back.providerPeers()).isEqualTo(message.providerPeers());
    }

    @Property(tries = 1_000)
    void randomBytesDecodeOrAreAViolation(@ForAll @Size(max = 400) byte[] bytes) {
        decodeOrViolation(bytes);
    }

    /** Well-formed protobuf with random peer entries: ids and addresses that parse or not, some inlining keys. */
    @Property(tries = 1_000)
    void randomPeerEntriesAreKeptOrDropped(@ForAll long seed) {
        Random random = new Random(seed);
        KadProtos.Message.Builder message = KadProtos.Message.newBuilder()
                .setType(KadProtos.Message.MessageType.forNumber(random.nextInt(6)));
        for (int i = 0; i < random.nextInt(6); i++) {
            KadProtos.Message.Peer.Builder peer = KadProtos.Message.Peer.newBuilder().setId(randomId(random));
            for (int j = 0; j < random.nextInt(4); j++) {
                peer.addAddrs(randomAddress(random));
            }
            if (random.nextBoolean()) {
                message.addCloserPeers(peer);
            } else {
                message.addProviderPeers(peer);
            }
        }
        KadMessage decoded = decodeOrViolation(message.build().toByteArray());
        assertThat(decoded).isNotNull();
    }

    @Test
    void anUnknownTypeIsAViolation() {
        byte[] type9 = {0x08, 0x09};
        assertThatThrownBy(() -> decode(type9)).isInstanceOf(ProtocolViolationException.class);
        assertThatThrownBy(() -> decode(new byte[] {0x08, 0x06, 0x12, 0x01, 0x41}))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void notProtobufIsAViolation() {
        assertThatThrownBy(() -> decode(new byte[] {0x12, 0x05, 0x01})).isInstanceOf(ProtocolViolationException.class);
        assertThatThrownBy(() -> decode(new byte[] {(byte) 0xff})).isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void anAbsentTypeIsPutValue() {
        KadMessage m = decode(new byte[] {0x12, 0x01, 0x41}); // only key = "A"
        assertThat(m.type()).isEqualTo(KadMessage.Type.PUT_VALUE);
        assertThat(m.key()).isEqualTo(new byte[] {0x41});
        assertThat(decode(new byte[0]).type()).isEqualTo(KadMessage.Type.PUT_VALUE);
        // We always write the type, PUT_VALUE too.
        assertThat(KadCodec.encode(KadMessage.request(KadMessage.Type.PUT_VALUE, new byte[0])))
                .isEqualTo(new byte[] {0x08, 0x00});
    }

    @Test
    void badPeerIdsAndAddressesAreDropped() {
        Random random = new Random(13);
        PeerId good = KadFixtures.peer(random);
        KadProtos.Message message = KadProtos.Message.newBuilder()
                .setType(KadProtos.Message.MessageType.FIND_NODE)
                .addCloserPeers(KadProtos.Message.Peer.newBuilder().setId(ByteString.copyFrom(new byte[] {1, 2, 3})))
                .addCloserPeers(KadProtos.Message.Peer.newBuilder()
                        .setId(ByteString.copyFrom(good.bytes()))
                        .addAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x7f}))
                        .addAddrs(ByteString.copyFrom(tcp("1.2.3.4", 5).bytes()))
                        .addAddrs(ByteString.copyFrom(
                                Multiaddr.of("/ip4/1.2.3.4/tcp/6/p2p/" + good.toBase58()).bytes())))
                .addProviderPeers(KadProtos.Message.Peer.newBuilder()) // no id at all
                .build();
        KadMessage m = decode(message.toByteArray());
        assertThat(m.closerPeers()).containsExactly(new PeerInfo(good, List.of(tcp("1.2.3.4", 5), tcp("1.2.3.4", 6))));
        assertThat(m.providerPeers()).isEmpty();
    }

    @Test
    void keepsAtMostMaxPeersAndMaxAddresses() {
        Random random = new Random(17);
        KadProtos.Message.Builder message = KadProtos.Message.newBuilder()
                .setType(KadProtos.Message.MessageType.GET_PROVIDERS);
        List<PeerId> peers = KadFixtures.peers(random, MAX_PEERS + 5);
        KadProtos.Message.Peer.Builder crowded = KadProtos.Message.Peer.newBuilder()
                .setId(ByteString.copyFrom(peers.get(0).bytes()));
        crowded.addAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff})); // bad ones do not count
        for (int port = 1; port <= KadCodec.MAX_ADDRESSES + 10; port++) {
            crowded.addAddrs(ByteString.copyFrom(tcp("1.2.3.4", port).bytes()));
        }
        message.addCloserPeers(crowded);
        message.addProviderPeers(KadProtos.Message.Peer.newBuilder().setId(ByteString.copyFrom(new byte[] {9})));
        for (PeerId p : peers) {
            message.addCloserPeers(KadProtos.Message.Peer.newBuilder().setId(ByteString.copyFrom(p.bytes())));
            message.addProviderPeers(KadProtos.Message.Peer.newBuilder().setId(ByteString.copyFrom(p.bytes())));
        }
        KadMessage m = decode(message.build().toByteArray());
        assertThat(m.closerPeers()).hasSize(MAX_PEERS);
        assertThat(m.closerPeers().get(0).addresses()).hasSize(KadCodec.MAX_ADDRESSES)
                .startsWith(tcp("1.2.3.4", 1));
        // The bad entry is skipped without using up a place.
        assertThat(m.providerPeers()).extracting(PeerInfo::peerId).containsExactlyElementsOf(peers.subList(0, MAX_PEERS));
    }

    private static KadMessage decodeOrViolation(byte[] bytes) {
        try {
            return decode(bytes);
        } catch (ProtocolViolationException e) {
            return null;
        }
    }

    private static ByteString randomId(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> ByteString.copyFrom(KadFixtures.peer(random).bytes());
            case 1 -> { // an identity multihash of a random "public key"
                byte[] key = new byte[random.nextInt(50)];
                random.nextBytes(key);
                if (key.length > 4 && random.nextBoolean()) {
                    key[0] = 0x08;
                    key[1] = (byte) random.nextInt(4);
                    key[2] = 0x12;
                    key[3] = (byte) (key.length - 4);
                }
                yield ByteString.copyFrom(Multihash.identity(key).bytes());
            }
            default -> {
                byte[] raw = new byte[random.nextInt(40)];
                random.nextBytes(raw);
                yield ByteString.copyFrom(raw);
            }
        };
    }

    private static ByteString randomAddress(Random random) {
        if (random.nextBoolean()) {
            return ByteString.copyFrom(tcp(random.nextInt(256) + ".0.0.1", random.nextInt(65536)).bytes());
        }
        byte[] raw = new byte[random.nextInt(30)];
        random.nextBytes(raw);
        if (raw.length > 0 && random.nextBoolean()) {
            raw[0] = (byte) new int[] {0x04, 0x29, 0x06, 0x35, 0x36}[random.nextInt(5)];
        }
        return ByteString.copyFrom(raw);
    }

    // ---- generators ----

    @Provide
    Arbitrary<KadMessage> messages() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<KadMessage.Record> records = Combinators.combine(bytes, bytes,
                Arbitraries.of("", "2024-01-01T00:00:00Z", "2024-05-06T07:08:09.123456789Z"))
                .as(KadMessage.Record::new);
        Arbitrary<PeerInfo> peers = Combinators.combine(Arbitraries.longs(),
                Arbitraries.integers().between(0, 3)).as((seed, n) -> {
                    Random random = new Random(seed);
                    List<Multiaddr> addresses = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        addresses.add(random.nextBoolean() ? tcp(random.nextInt(224) + ".1.2.3", random.nextInt(65536))
                                : Multiaddr.of("/ip6/2001:db8::" + Integer.toHexString(random.nextInt(65536))
                                        + "/udp/" + random.nextInt(65536) + "/quic-v1"));
                    }
                    return new PeerInfo(KadFixtures.peer(random), addresses);
                });
        return Combinators.combine(Arbitraries.of(KadMessage.Type.class), bytes, records.injectNull(0.4),
                peers.list().ofMaxSize(MAX_PEERS), peers.list().ofMaxSize(MAX_PEERS)).as(KadMessage::new);
    }
}
