package io.peerflux.benchmarks;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.kad.KadCodec;
import io.peerflux.kad.KadId;
import io.peerflux.kad.KadMessage;
import io.peerflux.kad.KadNode;
import io.peerflux.kad.KadRequestException;
import io.peerflux.kad.KademliaConfig;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.peer.PeerInfo;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * FIND_NODE requests a DHT server answers per second on one thread, with no socket: the request's protobuf decoded,
 * the routing table's k closest found and their addresses looked up, the answer encoded. The table holds
 * {@code tableSize} peers with two addresses each (a node in a 10,000-node network holds about 200); each request
 * asks for a different random key.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@Fork(1)
public class KadServeBenchmark {

    @Param({"100", "250"})
    public int tableSize;

    KadNode node;
    PeerId requester;
    byte[][] requests;
    int next;
    long now;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(1);
        now = System.currentTimeMillis() * 1_000_000L;
        List<Multiaddr> addresses = List.of(Multiaddr.of("/ip4/10.1.2.3/tcp/4001"),
                Multiaddr.of("/ip4/10.1.2.3/udp/4001/quic-v1"));
        KadNode.Network network = new KadNode.Network() {
            @Override
            public void send(long requestId, PeerInfo peer, KadMessage request, boolean expectsResponse) {
            }

            @Override
            public void cancel(long requestId) {
            }

            @Override
            public List<Multiaddr> addresses(PeerId peer) {
                return addresses;
            }

            @Override
            public void learned(PeerInfo peer, long ttlNanos) {
            }
        };
        node = new KadNode(peerId(), KademliaConfig.defaults(), network, random, now);
        // Offered until the table holds tableSize: random ids fill the shallow buckets first, as in a real network.
        while (node.routingTable().size() < tableSize) {
            PeerId p = peerId();
            node.routingTable().offer(p, KadId.of(p.bytes()), null, now);
        }
        requester = peerId();
        requests = new byte[1024][];
        for (int i = 0; i < requests.length; i++) {
            byte[] key = peerId().bytes();
            requests[i] = KadCodec.encode(KadMessage.request(KadMessage.Type.FIND_NODE, key));
        }
    }

    static PeerId peerId() {
        return PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
    }

    @Benchmark
    public byte[] findNode() throws KadRequestException {
        byte[] request = requests[next++ & (requests.length - 1)];
        KadMessage decoded = KadCodec.decode(request, 20, KademliaConfig.IPFS_PROTOCOL_ID);
        return KadCodec.encode(node.handle(requester, decoded, now));
    }
}
