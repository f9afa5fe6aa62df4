package io.peerflux.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerflux.Host;
import io.peerflux.crypto.PublicKey;
import io.peerflux.kad.DhtMode;
import io.peerflux.kad.KadId;
import io.peerflux.kad.Kademlia;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.kad.record.AcceptAnyValidator;
import io.peerflux.kad.record.Validators;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import io.peerflux.testing.TestHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A mixed DHT of four js-libp2p {@code @libp2p/kad-dht} servers ({@code interop/dht-peer.mjs}) and four Peerflux
 * servers over TCP + Noise + Yamux on loopback: every query type, Java asking about what js stored and js about what
 * Java stored, and a Peerflux client that uses the network without entering anyone's routing table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhtInteropTest {

    static final int EACH = 4;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final List<JsPeer> js = new ArrayList<>();
    final List<Host> hosts = new ArrayList<>();
    final List<Kademlia> dhts = new ArrayList<>();

    static KademliaConfig config() {
        return KademliaConfig.defaults()
                .withValidators(Validators.defaults().withNamespace("test", new AcceptAnyValidator()));
    }

    @BeforeAll
    void network() throws Exception {
        for (int i = 0; i < EACH; i++) {
            js.add(JsPeer.start("dht-peer.mjs"));
        }
        for (int i = 0; i < EACH; i++) {
            Host host = TestHosts.tcp();
            hosts.add(host);
            // Each Java node starts from one js node and the first Java node, so both kinds meet both kinds.
            List<io.peerflux.multiaddr.Multiaddr> bootstrap = new ArrayList<>(List.of(js.get(i).address()));
            if (i > 0) {
                bootstrap.add(TestHosts.address(hosts.get(0)));
            }
            dhts.add(Kademlia.attach(host, config().withBootstrap(bootstrap)));
        }
        for (int i = 0; i < EACH; i++) {
            // js nodes meet the other js nodes and a Java node themselves.
            js.get(i).command("connect", Map.of("addr", js.get((i + 1) % EACH).address().toString()), TIMEOUT);
            js.get(i).command("connect", Map.of("addr", TestHosts.address(hosts.get(i)).toString()), TIMEOUT);
        }
        for (int round = 0; round < 2; round++) {
            for (Kademlia dht : dhts) {
                dht.bootstrap().block(TIMEOUT);
            }
        }
        for (JsPeer peer : js) {
            peer.command("closest", Map.of("key", peer.peerId().toString()), TIMEOUT);
        }
    }

    @AfterAll
    void stop() throws Exception {
        dhts.forEach(d -> d.close().block(TIMEOUT));
        hosts.forEach(h -> h.stop().block(TIMEOUT));
        for (JsPeer peer : js) {
            peer.close();
        }
    }

    List<PeerId> everyone() {
        return Stream.concat(js.stream().map(JsPeer::peerId), hosts.stream().map(Host::peerId)).toList();
    }

    @Test
    void routingTablesHoldBothKinds() throws Exception {
        for (Kademlia dht : dhts) {
            List<PeerId> table = dht.routingTable().block(TIMEOUT);
            assertThat(table).as("Java table").containsAnyElementsOf(js.stream().map(JsPeer::peerId).toList());
        }
        for (JsPeer peer : js) {
            List<String> table = strings(peer.command("routingTable", Map.of(), TIMEOUT).get("peers"));
            assertThat(table).as("js table")
                    .containsAnyElementsOf(hosts.stream().map(h -> h.peerId().toString()).toList());
        }
    }

    @Test
    void javaFindsProvidersJsAnnounced() throws Exception {
        Cid cid = cid("js provides this");
        js.get(1).command("provide", Map.of("key", cid.toString()), TIMEOUT);
        PeerInfo provider = dhts.get(3).findProviders(cid).blockFirst(TIMEOUT);
        assertThat(provider.peerId()).isEqualTo(js.get(1).peerId());
    }

    @Test
    void jsFindsProvidersJavaAnnounced() throws Exception {
        Cid cid = cid("Java provides this");
        assertThat(dhts.get(2).provide(cid).block(TIMEOUT)).isGreaterThanOrEqualTo(EACH);
        JsonNode found = js.get(3).command("findProviders", Map.of("key", cid.toString(), "count", 1), TIMEOUT);
        assertThat(found.get("providers").get(0).get("peerId").asText()).isEqualTo(hosts.get(2).peerId().toString());
    }

    @Test
    void javaGetsWhatJsPut() throws Exception {
        js.get(0).command("put", Map.of("key", "/test/from-js", "value", "js value"), TIMEOUT);
        byte[] value = dhts.get(1).getValue(bytes("/test/from-js"), 2).block(TIMEOUT);
        assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("js value");
    }

    @Test
    void jsGetsWhatJavaPut() throws Exception {
        assertThat(dhts.get(0).putValue(bytes("/test/from-java"), bytes("java value")).block(TIMEOUT)).isPositive();
        JsonNode got = js.get(2).command("get", Map.of("key", "/test/from-java"), TIMEOUT);
        assertThat(got.get("value").asText()).isEqualTo("java value");
    }

    @Test
    void publicKeyRecordsCrossBothWays() throws Exception {
        Host host = hosts.get(3);
        byte[] pkKey = Validators.parseKey("/pk/" + host.peerId());
        PublicKey key = host.peerstore().publicKey(host.peerId()).orElseThrow();
        assertThat(dhts.get(3).putValue(pkKey, key.marshal()).block(TIMEOUT)).isPositive();
        JsonNode got = js.get(1).command("get", Map.of("key", "/pk/" + host.peerId()), TIMEOUT);
        assertThat(java.util.Base64.getDecoder().decode(got.get("valueBase64").asText())).isEqualTo(key.marshal());
    }

    @Test
    void bothFindPeersAcrossKinds() throws Exception {
        PeerInfo found = dhts.get(1).findPeer(js.get(2).peerId()).block(TIMEOUT);
        assertThat(found.addresses()).contains(js.get(2).address().withoutPeerId());
        JsonNode peer = js.get(0).command("findPeer", Map.of("peerId", hosts.get(2).peerId().toString()), TIMEOUT);
        assertThat(strings(peer.get("peer").get("addrs")))
                .contains(hosts.get(2).listenAddresses().get(0).toString());
    }

    @Test
    void closestPeersAgreeWithTheKeyspace() throws Exception {
        byte[] key = bytes("closest key");
        KadId target = KadId.of(key);
        Comparator<PeerId> byDistance = Comparator.comparing(p -> KadId.of(p.bytes()), target::compareDistance);
        List<PeerId> fromJava = dhts.get(2).closestPeers(key).map(PeerInfo::peerId).collectList().block(TIMEOUT);
        List<PeerId> expected = everyone().stream().filter(p -> !p.equals(hosts.get(2).peerId()))
                .sorted(byDistance).toList();
        assertThat(fromJava).containsExactlyElementsOf(expected);
        JsonNode fromJs = js.get(0).command("closest", Map.of("key", "closest key"), TIMEOUT);
        assertThat(strings(fromJs.get("peers")).size()).isPositive();
        List<String> jsIds = new ArrayList<>();
        fromJs.get("peers").forEach(p -> jsIds.add(p.get("peerId").asText()));
        assertThat(jsIds).containsAnyElementsOf(hosts.stream().map(h -> h.peerId().toString()).toList());
    }

    @Test
    void aClientUsesTheNetworkWithoutEnteringRoutingTables() throws Exception {
        Host host = TestHosts.tcp();
        Kademlia client = Kademlia.attach(host, config().withMode(DhtMode.CLIENT)
                .withBootstrap(List.of(js.get(0).address(), TestHosts.address(hosts.get(1)))));
        try {
            client.bootstrap().block(TIMEOUT);
            Cid cid = cid("a client looks this up");
            js.get(2).command("provide", Map.of("key", cid.toString()), TIMEOUT);
            assertThat(client.findProviders(cid).blockFirst(TIMEOUT).peerId()).isEqualTo(js.get(2).peerId());
            String id = host.peerId().toString();
            for (JsPeer peer : js) {
                assertThat(strings(peer.command("routingTable", Map.of(), TIMEOUT).get("peers"))).doesNotContain(id);
            }
            for (Kademlia dht : dhts) {
                assertThat(dht.routingTable().block(TIMEOUT)).doesNotContain(host.peerId());
            }
            assertThat(host.protocols()).doesNotContain(KademliaConfig.IPFS_PROTOCOL_ID);
        } finally {
            client.close().block(TIMEOUT);
            host.stop().block(TIMEOUT);
        }
    }

    static Cid cid(String text) {
        return Cid.v1(Cid.RAW, Multihash.sha256(bytes(text)));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
        return out;
    }
}
