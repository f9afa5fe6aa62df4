package io.peerflux.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Host;
import io.peerflux.Stream;
import io.peerflux.StreamResetException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.kad.pb.KadProtos;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Multihash;
import io.peerflux.multiformats.Varint;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import io.peerflux.testing.TestHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a DHT server does with hostile or broken peers: each case ends only the offending stream or request, and the
 * host keeps answering everyone else.
 */
class KademliaBadInputTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String KAD = KademliaConfig.IPFS_PROTOCOL_ID;

    final List<Host> hosts = new ArrayList<>();
    final List<Kademlia> dhts = new ArrayList<>();
    Host server;
    Kademlia serverDht;
    Host attacker;

    @BeforeEach
    void start() {
        server = host();
        serverDht = dht(server, KademliaConfig.defaults().withMaxInboundStreamsPerPeer(4));
        attacker = host();
    }

    @AfterEach
    void stop() {
        dhts.forEach(d -> d.close().block(WAIT));
        hosts.forEach(h -> h.stop().block(WAIT));
    }

    Host host() {
        Host host = TestHosts.memory();
        hosts.add(host);
        return host;
    }

    Kademlia dht(Host host, KademliaConfig config) {
        Kademlia dht = Kademlia.attach(host, config);
        dhts.add(dht);
        return dht;
    }

    /** The server still answers a well-formed FIND_NODE from a fresh peer. */
    void serverStillAnswers() {
        Host other = host();
        Kademlia client = dht(other, KademliaConfig.defaults().withMode(DhtMode.CLIENT)
                .withBootstrap(List.of(TestHosts.address(server))));
        client.bootstrap().block(WAIT);
        assertThat(client.query(KadNode.Kind.CLOSEST, bytes("still here")).collectList().block(WAIT))
                .anyMatch(e -> e instanceof QueryEvent.PeerResponse r && r.peer().equals(server.peerId()));
    }

    Stream rawStream() {
        return attacker.newStream(TestHosts.address(server), KAD).block(WAIT);
    }

    static Mono<List<byte[]>> answers(Stream stream) {
        KadFrames frames = new KadFrames(4 << 20, KAD);
        return stream.receive().map(frames::push).flatMapIterable(m -> m).collectList();
    }

    @Test
    void oversizedMessageResetsOnlyItsStream() {
        Stream stream = rawStream();
        ByteBuf header = Unpooled.buffer();
        Varint.write(5L << 20, header);
        stream.send(Mono.just(header)).block(WAIT);
        assertThatThrownBy(() -> answers(stream).block(WAIT)).isInstanceOf(StreamResetException.class);
        assertThat(serverDht.routingTable().block(WAIT)).doesNotContain(attacker.peerId());
        serverStillAnswers();
    }

    @Test
    void malformedMessageResetsOnlyItsStream() {
        Stream stream = rawStream();
        stream.send(Mono.just(KadFrames.frame(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}))).block(WAIT);
        assertThatThrownBy(() -> answers(stream).block(WAIT)).isInstanceOf(StreamResetException.class);
        serverStillAnswers();
    }

    @Test
    void severalRequestsOnOneStreamAreAnswered() {
        Stream stream = rawStream();
        byte[] request = KadCodec.encode(KadMessage.request(KadMessage.Type.FIND_NODE, bytes("a")));
        stream.send(Flux.just(request, request, request).map(KadFrames::frame)).then(stream.closeWrite()).block(WAIT);
        assertThat(answers(stream).block(WAIT)).hasSize(3);
    }

    @Test
    void invalidPutValueIsRefusedAndNotStored() {
        Stream stream = rawStream();
        byte[] key = ("/pk/" + "not a peer").getBytes(StandardCharsets.UTF_8);
        KadMessage put = new KadMessage(KadMessage.Type.PUT_VALUE, key, new KadMessage.Record(key, bytes("x"), ""),
                List.of(), List.of());
        stream.send(Mono.just(KadFrames.frame(KadCodec.encode(put)))).block(WAIT);
        assertThatThrownBy(() -> answers(stream).block(WAIT)).isInstanceOf(StreamResetException.class);
        assertThatThrownBy(() -> serverDht.getValue(key, 1).block(WAIT)).isInstanceOf(NoSuchElementException.class);
        serverStillAnswers();
    }

    @Test
    void addProviderNamingAnotherPeerIsIgnored() {
        Stream stream = rawStream();
        byte[] key = Multihash.sha256(bytes("content")).bytes();
        PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        KadMessage add = new KadMessage(KadMessage.Type.ADD_PROVIDER, key, null, List.of(),
                List.of(new PeerInfo(someoneElse, List.of(Multiaddr.of("/ip4/1.2.3.4/tcp/1")))));
        stream.send(Mono.just(KadFrames.frame(KadCodec.encode(add)))).then(stream.closeWrite()).block(WAIT);
        answers(stream).block(WAIT);
        assertThat(serverDht.findProviders(Multihash.sha256(bytes("content"))).collectList().block(WAIT)).isEmpty();
    }

    @Test
    void inboundStreamsBeyondThePerPeerLimitAreReset() {
        List<Stream> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(rawStream());
        }
        // The handler runs once the stream is negotiated; a request proves each of the four is being served.
        byte[] request = KadCodec.encode(KadMessage.request(KadMessage.Type.FIND_NODE, bytes("held")));
        for (Stream s : held) {
            s.send(Mono.just(KadFrames.frame(request))).block(WAIT);
        }
        Stream excess = rawStream();
        assertThatThrownBy(() -> excess.send(Mono.just(KadFrames.frame(request))).then(answers(excess)).block(WAIT))
                .isInstanceOf(StreamResetException.class);
        held.forEach(s -> s.closeWrite().block(WAIT));
        serverStillAnswers();
    }

    @Test
    void hundredsOfCloserPeersWithBadAddressesAreCutToK() {
        Host liar = host();
        liar.handle(KAD, stream -> stream.send(stream.receive().map(new KadFrames(1 << 20, KAD)::push)
                .flatMapIterable(m -> m).map(r -> KadFrames.frame(hugeAnswer()))));
        Kademlia dht = dht(host(), KademliaConfig.defaults().withBootstrap(List.of(TestHosts.address(liar))));
        dht.bootstrap().block(WAIT);
        List<QueryEvent> events = dht.query(KadNode.Kind.CLOSEST, bytes("anything")).collectList().block(WAIT);
        List<QueryEvent.PeerResponse> fromLiar = events.stream()
                .filter(e -> e instanceof QueryEvent.PeerResponse r && r.peer().equals(liar.peerId()))
                .map(QueryEvent.PeerResponse.class::cast).toList();
        assertThat(fromLiar).isNotEmpty().allSatisfy(r -> assertThat(r.closerPeers()).hasSizeLessThanOrEqualTo(20));
        assertThat(events).last().isInstanceOf(QueryEvent.Finished.class);
    }

    /** 300 closer peers: some with ids that do not parse, all with a garbage address next to an unreachable one. */
    static byte[] hugeAnswer() {
        KadProtos.Message.Builder answer = KadProtos.Message.newBuilder()
                .setType(KadProtos.Message.MessageType.FIND_NODE);
        for (int i = 0; i < 300; i++) {
            byte[] id = i % 10 == 0 ? new byte[] {1, 2, 3}
                    : PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey()).bytes();
            answer.addCloserPeers(KadProtos.Message.Peer.newBuilder()
                    .setId(ByteString.copyFrom(id))
                    .addAddrs(ByteString.copyFrom(new byte[] {(byte) 0xee, 0x7f}))
                    .addAddrs(ByteString.copyFrom(Multiaddr.of("/memory/" + (1_000_000 + i)).bytes())));
        }
        return answer.build().toByteArray();
    }

    @Test
    void aPeerThatNeverAnswersDoesNotHoldTheLookup() {
        Host silent = host();
        silent.handle(KAD, stream -> stream.receive().then(Mono.never()));
        Host helpful = host();
        dht(helpful, KademliaConfig.defaults());
        KademliaConfig patient = KademliaConfig.defaults()
                .withTimeouts(Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofMillis(100),
                        Duration.ofMinutes(10))
                .withBootstrap(List.of(TestHosts.address(silent), TestHosts.address(helpful)));
        Kademlia dht = dht(host(), patient);
        dht.bootstrap().block(WAIT);
        // The silent peer is a candidate (identify says it serves the DHT) but its requests go late, not failed: the
        // lookup ends on what the helpful peer said, long before the five-minute hard timeout.
        List<QueryEvent> events = dht.query(KadNode.Kind.CLOSEST, bytes("go on")).collectList().block(WAIT);
        assertThat(events).anyMatch(e -> e instanceof QueryEvent.RequestSent s && s.peer().equals(silent.peerId()));
        assertThat(events).anyMatch(e -> e instanceof QueryEvent.FinalPeer f && f.peer().peerId()
                .equals(helpful.peerId()));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
