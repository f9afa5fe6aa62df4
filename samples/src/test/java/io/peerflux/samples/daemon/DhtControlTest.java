package io.peerflux.samples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.peerflux.Host;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.kad.Kademlia;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.kad.record.AcceptAnyValidator;
import io.peerflux.kad.record.Validators;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import io.peerflux.samples.daemon.pb.DaemonProtos.DHTRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.DHTResponse;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import io.peerflux.testing.TestHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * DHT requests over the control protocol: three in-process daemons, each a host with a Kademlia server behind a
 * {@link ControlServer}, connected in a star, driven by a plain socket client. Checks the answers' shapes (single
 * VALUE, BEGIN/VALUE…/END streams, bare OK), that bad input is an ERROR on a connection that goes on serving, and
 * that a daemon without a DHT refuses DHT requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhtControlTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final List<Host> hosts = new ArrayList<>();
    final List<Kademlia> dhts = new ArrayList<>();
    final List<ControlServer> controls = new ArrayList<>();

    @BeforeAll
    void network() {
        KademliaConfig config = KademliaConfig.defaults()
                .withValidators(Validators.defaults().withNamespace("test", new AcceptAnyValidator()));
        for (int i = 0; i < 3; i++) {
            Host host = TestHosts.tcp();
            hosts.add(host);
            Kademlia dht = Kademlia.attach(host,
                    i == 0 ? config : config.withBootstrap(List.of(TestHosts.address(hosts.get(0)))));
            dhts.add(dht);
            controls.add(ControlServer.start(host, dht, Multiaddr.of("/ip4/127.0.0.1/tcp/0")).block(TIMEOUT));
        }
        dhts.forEach(d -> d.bootstrap().block(TIMEOUT));
    }

    @AfterAll
    void stop() {
        controls.forEach(c -> c.close().block(TIMEOUT));
        dhts.forEach(d -> d.close().block(TIMEOUT));
        hosts.forEach(h -> h.stop().block(TIMEOUT));
    }

    ControlClient client(int daemon) throws IOException {
        return ControlClient.connect(ControlAddress.toSocketAddress(controls.get(daemon).address()));
    }

    static Request dht(DHTRequest.Builder request) {
        return Request.newBuilder().setType(Request.Type.DHT).setDht(request).build();
    }

    static DHTRequest.Builder request(DHTRequest.Type type) {
        return DHTRequest.newBuilder().setType(type);
    }

    static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** Reads a stream's answer: an OK BEGIN response, then bare DHT responses until END, which is not returned. */
    static List<DHTResponse> readStream(ControlClient client) throws IOException {
        Response begin = client.response();
        assertThat(begin.getType()).as(begin.getError().getMsg()).isEqualTo(Response.Type.OK);
        assertThat(begin.getDht().getType()).isEqualTo(DHTResponse.Type.BEGIN);
        List<DHTResponse> values = new ArrayList<>();
        for (DHTResponse next = DHTResponse.parseDelimitedFrom(client.in); next.getType() != DHTResponse.Type.END;
                next = DHTResponse.parseDelimitedFrom(client.in)) {
            assertThat(next.getType()).isEqualTo(DHTResponse.Type.VALUE);
            values.add(next);
        }
        return values;
    }

    @Test
    void findPeerAnswersOneValueWithTheAddresses() throws Exception {
        Host wanted = hosts.get(2);
        try (ControlClient client = client(1)) {
            Response found = client.send(dht(request(DHTRequest.Type.FIND_PEER)
                    .setPeer(ByteString.copyFrom(wanted.peerId().bytes())))).response();
            assertThat(found.getType()).as(found.getError().getMsg()).isEqualTo(Response.Type.OK);
            assertThat(found.getDht().getType()).isEqualTo(DHTResponse.Type.VALUE);
            assertThat(found.getDht().getPeer().getId().toByteArray()).isEqualTo(wanted.peerId().bytes());
            assertThat(found.getDht().getPeer().getAddrsList()).extracting(a -> Multiaddr.of(a.toByteArray()))
                    .contains(wanted.listenAddresses().get(0));
        }
    }

    @Test
    void unknownPeerIsAnError() throws Exception {
        PeerId nobody = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        try (ControlClient client = client(1)) {
            Response missing = client.send(dht(request(DHTRequest.Type.FIND_PEER)
                    .setPeer(ByteString.copyFrom(nobody.bytes())).setTimeout(10))).response();
            assertThat(missing.getType()).isEqualTo(Response.Type.ERROR);
            assertThat(missing.getError().getMsg()).contains("not found");
        }
    }

    @Test
    void providedCidIsFoundAsAStream() throws Exception {
        Cid cid = Cid.v1(Cid.RAW, Multihash.sha256("daemon-provided".getBytes(StandardCharsets.UTF_8)));
        try (ControlClient provider = client(2); ControlClient seeker = client(1)) {
            Response provided = provider.send(dht(request(DHTRequest.Type.PROVIDE)
                    .setCid(ByteString.copyFrom(cid.bytes())))).response();
            assertThat(provided.getType()).as(provided.getError().getMsg()).isEqualTo(Response.Type.OK);
            assertThat(provided.hasDht()).isFalse();

            List<DHTResponse> providers = readStream(seeker.send(dht(request(DHTRequest.Type.FIND_PROVIDERS)
                    .setCid(ByteString.copyFrom(cid.bytes())).setCount(1))));
            assertThat(providers).singleElement()
                    .satisfies(p -> assertThat(p.getPeer().getId().toByteArray()).isEqualTo(hosts.get(2).peerId().bytes()));
        }
    }

    @Test
    void valuePutOnOneDaemonIsReadOnAnother() throws Exception {
        try (ControlClient writer = client(0); ControlClient reader = client(2)) {
            Response put = writer.send(dht(request(DHTRequest.Type.PUT_VALUE)
                    .setKey(bytes("/test/greeting")).setValue(bytes("hello")))).response();
            assertThat(put.getType()).as(put.getError().getMsg()).isEqualTo(Response.Type.OK);

            Response got = reader.send(dht(request(DHTRequest.Type.GET_VALUE).setKey(bytes("/test/greeting"))))
                    .response();
            assertThat(got.getType()).as(got.getError().getMsg()).isEqualTo(Response.Type.OK);
            assertThat(got.getDht().getType()).isEqualTo(DHTResponse.Type.VALUE);
            assertThat(got.getDht().getValue().toStringUtf8()).isEqualTo("hello");

            List<DHTResponse> searched = readStream(reader.send(dht(request(DHTRequest.Type.SEARCH_VALUE)
                    .setKey(bytes("/test/greeting")))));
            assertThat(searched).isNotEmpty().last()
                    .satisfies(v -> assertThat(v.getValue().toStringUtf8()).isEqualTo("hello"));
        }
    }

    @Test
    void closestPeersStreamPeerIdsAsValues() throws Exception {
        try (ControlClient client = client(0)) {
            List<DHTResponse> closest = readStream(client.send(dht(request(DHTRequest.Type.GET_CLOSEST_PEERS)
                    .setKey(bytes("somewhere")))));
            assertThat(closest).extracting(v -> PeerId.fromBytes(v.getValue().toByteArray()))
                    .containsExactlyInAnyOrder(hosts.get(1).peerId(), hosts.get(2).peerId());
        }
    }

    @Test
    void publicKeyOfAnEd25519PeerComesFromItsId() throws Exception {
        try (ControlClient client = client(0)) {
            Response key = client.send(dht(request(DHTRequest.Type.GET_PUBLIC_KEY)
                    .setPeer(ByteString.copyFrom(hosts.get(1).peerId().bytes())))).response();
            assertThat(key.getType()).as(key.getError().getMsg()).isEqualTo(Response.Type.OK);
            assertThat(key.getDht().getValue().toByteArray())
                    .isEqualTo(hosts.get(1).peerId().publicKey().orElseThrow().marshal());
        }
    }

    @Test
    void badDhtRequestsAreErrorsAndTheConnectionGoesOn() throws Exception {
        try (ControlClient client = client(0)) {
            assertError(client, Request.newBuilder().setType(Request.Type.DHT).build(), "no dht field");
            assertError(client, dht(request(DHTRequest.Type.FIND_PEER)), "needs a peer");
            assertError(client, dht(request(DHTRequest.Type.FIND_PEER).setPeer(bytes("nope"))), "invalid peer id");
            assertError(client, dht(request(DHTRequest.Type.FIND_PROVIDERS).setCid(bytes("not a cid"))),
                    "invalid cid");
            assertError(client, dht(request(DHTRequest.Type.PROVIDE)), "needs a cid");
            assertError(client, dht(request(DHTRequest.Type.GET_VALUE)), "needs a key");
            assertError(client, dht(request(DHTRequest.Type.PUT_VALUE).setKey(bytes("/test/k"))), "needs a value");
            assertError(client, dht(request(DHTRequest.Type.PUT_VALUE).setKey(bytes("/nowhere/k"))
                    .setValue(bytes("v"))), "no validator");
            assertError(client, dht(request(DHTRequest.Type.FIND_PEERS_CONNECTED_TO_PEER)), "removed");
            assertError(client, dht(DHTRequest.newBuilder().setTypeValue(77)), "unknown DHT request type 77");
            Response identify = client.send(Request.newBuilder().setType(Request.Type.IDENTIFY).build()).response();
            assertThat(identify.getType()).isEqualTo(Response.Type.OK);
        }
    }

    @Test
    void daemonWithoutDhtRefusesDhtRequests() throws Exception {
        Host plain = TestHosts.tcp();
        ControlServer control = ControlServer.start(plain, Multiaddr.of("/ip4/127.0.0.1/tcp/0")).block(TIMEOUT);
        try (ControlClient client = ControlClient.connect(ControlAddress.toSocketAddress(control.address()))) {
            assertError(client, dht(request(DHTRequest.Type.GET_CLOSEST_PEERS).setKey(bytes("k"))),
                    "DHT not enabled");
            assertThat(client.send(Request.newBuilder().setType(Request.Type.IDENTIFY).build()).response().getType())
                    .isEqualTo(Response.Type.OK);
        } finally {
            control.close().block(TIMEOUT);
            plain.stop().block(TIMEOUT);
        }
    }

    static void assertError(ControlClient client, Request request, String message) throws IOException {
        Response response = client.send(request).response();
        assertThat(response.getType()).isEqualTo(Response.Type.ERROR);
        assertThat(response.getError().getMsg()).contains(message);
    }
}
