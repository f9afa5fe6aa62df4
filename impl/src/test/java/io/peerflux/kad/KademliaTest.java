package io.peerflux.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Host;
import io.peerflux.kad.record.InvalidRecordException;
import io.peerflux.kad.record.Validator;
import io.peerflux.kad.record.Validators;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import io.peerflux.testing.Eventually;
import io.peerflux.testing.TestHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A network of Peerflux DHT servers on the memory transport: every query type, Java with Java. */
class KademliaTest {

    static final int NODES = 16;
    static final Duration WAIT = Duration.ofSeconds(30);
    static final List<Host> hosts = new ArrayList<>();
    static final List<Kademlia> dhts = new ArrayList<>();

    /** Accepts any value under {@code /test/}; prefers the longer one, so tests can see selection at work. */
    static final Validator LONGEST = new Validator() {
        @Override
        public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException {
            if (value.length == 0) {
                throw new InvalidRecordException("empty");
            }
        }

        @Override
        public int select(byte[] key, List<byte[]> values) {
            int best = 0;
            for (int i = 1; i < values.size(); i++) {
                if (values.get(i).length > values.get(best).length) {
                    best = i;
                }
            }
            return best;
        }
    };

    static KademliaConfig config() {
        return KademliaConfig.defaults().withValidators(Validators.defaults().withNamespace("test", LONGEST));
    }

    @BeforeAll
    static void network() {
        for (int i = 0; i < NODES; i++) {
            Host host = TestHosts.memory();
            hosts.add(host);
            KademliaConfig config = config();
            if (i > 0) {
                config = config.withBootstrap(List.of(TestHosts.address(hosts.get(0))));
            }
            dhts.add(Kademlia.attach(host, config));
        }
        for (Kademlia dht : dhts) {
            dht.bootstrap().block(WAIT);
        }
        // A second round, as the periodic self lookup would do: early nodes learn of later ones.
        for (Kademlia dht : dhts) {
            dht.bootstrap().block(WAIT);
        }
    }

    @AfterAll
    static void stop() {
        dhts.forEach(d -> d.close().block(WAIT));
        hosts.forEach(h -> h.stop().block(WAIT));
    }

    @Test
    void routingTablesHoldServersThatAnswered() {
        for (Kademlia dht : dhts) {
            assertThat(dht.routingTable().block(WAIT)).hasSizeGreaterThanOrEqualTo(NODES / 2);
        }
    }

    @Test
    void routingTablePeersAreTaggedSoThePeerstoreKeepsThem() {
        Kademlia dht = dhts.get(2);
        List<PeerId> table = dht.routingTable().block(WAIT);
        eventually(() -> table.stream().allMatch(p -> hosts.get(2).connectionManager().tags(p)
                .containsKey(Kademlia.TABLE_TAG)));
    }

    @Test
    void closestPeersAreTheTrueClosest() {
        byte[] key = "closest".getBytes(StandardCharsets.UTF_8);
        KadId target = KadId.of(key);
        List<PeerId> found = dhts.get(3).closestPeers(key).map(PeerInfo::peerId).collectList().block(WAIT);
        List<PeerId> expected = hosts.stream().map(Host::peerId)
                .filter(p -> !p.equals(hosts.get(3).peerId()))
                .sorted(Comparator.comparing(p -> KadId.of(p.bytes()), target::compareDistance))
                .limit(found.size()).toList();
        assertThat(found).hasSize(NODES - 1).containsExactlyElementsOf(expected);
    }

    @Test
    void findPeerReturnsAddresses() {
        Host wanted = hosts.get(NODES - 1);
        PeerInfo info = dhts.get(1).findPeer(wanted.peerId()).block(WAIT);
        assertThat(info.peerId()).isEqualTo(wanted.peerId());
        assertThat(info.addresses()).contains(wanted.listenAddresses().get(0));
    }

    @Test
    void providersAreFoundAfterProvide() {
        Cid cid = Cid.v1(Cid.RAW, Multihash.sha256("provided".getBytes(StandardCharsets.UTF_8)));
        int stored = dhts.get(4).provide(cid).block(WAIT);
        assertThat(stored).isGreaterThanOrEqualTo(NODES / 2);
        assertThat(hosts).as("the stores reserve their memory in the host's resource manager")
                .anySatisfy(h -> assertThat(h.resourceManager().services().get(Kademlia.SERVICE).memory())
                        .isGreaterThanOrEqualTo(ProviderStore.RECORD_BYTES));
        PeerInfo provider = dhts.get(9).findProviders(cid).blockFirst(WAIT);
        assertThat(provider.peerId()).isEqualTo(hosts.get(4).peerId());
    }

    @Test
    void valuesAreStoredAndTheBestIsReturned() {
        byte[] key = "/test/value".getBytes(StandardCharsets.UTF_8);
        assertThat(dhts.get(2).putValue(key, "short".getBytes(StandardCharsets.UTF_8)).block(WAIT)).isPositive();
        assertThat(new String(dhts.get(11).getValue(key, 3).block(WAIT), StandardCharsets.UTF_8)).isEqualTo("short");
        dhts.get(5).putValue(key, "much longer".getBytes(StandardCharsets.UTF_8)).block(WAIT);
        List<String> seen = dhts.get(12).searchValue(key).map(v -> new String(v, StandardCharsets.UTF_8))
                .collectList().block(WAIT);
        assertThat(seen).last().isEqualTo("much longer");
    }

    @Test
    void invalidValueIsRefusedLocally() {
        byte[] key = "/test/empty".getBytes(StandardCharsets.UTF_8);
        Mono<Integer> put = dhts.get(2).putValue(key, new byte[0]);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> put.block(WAIT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void takeEndsTheLookup() {
        byte[] key = "take".getBytes(StandardCharsets.UTF_8);
        List<QueryEvent> events = dhts.get(6).query(KadNode.Kind.CLOSEST, key).take(2).collectList().block(WAIT);
        assertThat(events).hasSize(2);
        Flux<QueryEvent> all = dhts.get(6).query(KadNode.Kind.CLOSEST, key);
        assertThat(all.collectList().block(WAIT)).last().isInstanceOf(QueryEvent.Finished.class);
    }

    /** A node that turns client is dropped from a peer's table once its identify push arrives, and comes back. */
    @Test
    void modeChangesReachPeersThroughIdentifyPush() {
        Host host = TestHosts.memory();
        Kademlia switching = Kademlia.attach(host, config().withBootstrap(List.of(TestHosts.address(hosts.get(0)))));
        try {
            switching.bootstrap().block(WAIT);
            Kademlia watcher = dhts.get(0);
            eventually(() -> watcher.routingTable().block(WAIT).contains(host.peerId()));
            switching.setMode(DhtMode.CLIENT);
            assertThat(host.protocols()).doesNotContain(KademliaConfig.IPFS_PROTOCOL_ID);
            eventually(() -> !watcher.routingTable().block(WAIT).contains(host.peerId()));
            switching.setMode(DhtMode.SERVER);
            eventually(() -> watcher.routingTable().block(WAIT).contains(host.peerId()));
        } finally {
            switching.close().block(WAIT);
            host.stop().block(WAIT);
        }
    }

    static void eventually(java.util.function.BooleanSupplier condition) {
        Eventually.await(condition, Duration.ofSeconds(10));
    }
}
