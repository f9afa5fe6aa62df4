package io.peerflux.samples.daemon;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.peerflux.Host;
import io.peerflux.crypto.PublicKey;
import io.peerflux.kad.Kademlia;
import io.peerflux.kad.record.PublicKeyValidator;
import io.peerflux.multiformats.Cid;
import io.peerflux.peer.PeerId;
import io.peerflux.samples.daemon.pb.DaemonProtos.DHTRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.DHTResponse;
import io.peerflux.samples.daemon.pb.DaemonProtos.PeerInfo;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Answers DHT requests (go-libp2p-daemon specs/DHT.md) with a {@link Kademlia} node, in the shapes
 * {@code @libp2p/daemon-client} reads and p2pd writes.
 *
 * <ul>
 *   <li>A single answer is one {@code Response{OK, dht: {VALUE, peer | value}}} (FIND_PEER, GET_PUBLIC_KEY,
 *       GET_VALUE); PUT_VALUE and PROVIDE answer a bare {@code Response{OK}}.
 *   <li>A stream (FIND_PROVIDERS, GET_CLOSEST_PEERS, SEARCH_VALUE) is {@code Response{OK, dht: {BEGIN}}}, then a bare
 *       {@code DHTResponse{VALUE}} per result, then a bare {@code DHTResponse{END}}. GET_CLOSEST_PEERS carries each
 *       peer id in {@code value}, as p2pd does and the js client expects.
 *   <li>Bad input and a query that fails answer {@code Response{ERROR}}. A stream is begun only once its query
 *       produced a first result or ended, so a query that fails at once is an ERROR too; one that fails later can
 *       only end its stream (the client would not read an ERROR there), and is logged.
 * </ul>
 *
 * <p>Each request runs for its {@code timeout} in seconds, else {@link ControlRequests#DEFAULT_TIMEOUT}: a single
 * answer that takes longer is an ERROR, a stream simply ends.
 */
final class DhtRequests {

    private static final Logger log = LoggerFactory.getLogger(DhtRequests.class);
    /** How many providers FIND_PROVIDERS returns when the request gives no count (p2pd's default). */
    static final int DEFAULT_PROVIDER_COUNT = 20;

    private final Host host;
    private final Kademlia dht;

    DhtRequests(Host host, Kademlia dht) {
        this.host = host;
        this.dht = dht;
    }

    /** The messages that answer {@code request}; never fails. */
    Flux<MessageLite> answer(DHTRequest request) {
        Duration timeout = ControlRequests.timeout(request.hasTimeout() ? request.getTimeout() : 0);
        return switch (request.getType()) {
            case FIND_PEER -> single(Mono.defer(() -> dht.findPeer(peer(request)).map(DhtRequests::peerValue)),
                    timeout);
            case GET_PUBLIC_KEY -> single(Mono.defer(() -> publicKey(peer(request)))
                    .map(key -> value(key.marshal())), timeout);
            case GET_VALUE -> single(Mono.defer(() -> dht.getValue(key(request)).map(DhtRequests::value)), timeout);
            case PUT_VALUE -> done(Mono.defer(() -> dht.putValue(key(request), valueOf(request))), timeout);
            case PROVIDE -> done(Mono.defer(() -> dht.provide(cid(request))), timeout);
            case FIND_PROVIDERS -> stream(Flux.defer(() -> dht.findProviders(cid(request))
                    .take(request.getCount() > 0 ? request.getCount() : DEFAULT_PROVIDER_COUNT)
                    .map(DhtRequests::peerValue)), timeout);
            case GET_CLOSEST_PEERS -> stream(Flux.defer(() -> dht.closestPeers(key(request))
                    .map(p -> value(p.peerId().bytes()))), timeout);
            case SEARCH_VALUE -> stream(Flux.defer(() -> dht.searchValue(key(request)).map(DhtRequests::value)),
                    timeout);
            case FIND_PEERS_CONNECTED_TO_PEER -> Flux.just(ControlRequests.error(
                    "FIND_PEERS_CONNECTED_TO_PEER is not supported: it was removed from the daemon protocol"));
            case UNRECOGNIZED -> Flux.just(ControlRequests.error("unknown DHT request type " + request.getTypeValue()));
        };
    }

    /**
     * The peer's public key: the peerstore's (identify put it there), else the one its id inlines, else its
     * {@code /pk/} record from the DHT (which the {@code pk} validator checked against the id).
     */
    private Mono<PublicKey> publicKey(PeerId peer) {
        Optional<PublicKey> known = host.peerstore().publicKey(peer).or(peer::publicKey);
        if (known.isPresent()) {
            return Mono.just(known.get());
        }
        byte[] prefix = ("/" + PublicKeyValidator.NAMESPACE + "/").getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(prefix, prefix.length + peer.bytes().length);
        System.arraycopy(peer.bytes(), 0, key, prefix.length, peer.bytes().length);
        return dht.getValue(key).map(PublicKey::unmarshal);
    }

    private static Flux<MessageLite> single(Mono<DHTResponse> answer, Duration timeout) {
        return within(answer, timeout)
                .<MessageLite>map(dht -> Response.newBuilder().setType(Response.Type.OK).setDht(dht).build())
                .onErrorResume(e -> Mono.just(ControlRequests.error(e)))
                .flux();
    }

    private static Flux<MessageLite> done(Mono<?> work, Duration timeout) {
        return within(work, timeout).<MessageLite>thenReturn(ControlRequests.ok())
                .onErrorResume(e -> Mono.just(ControlRequests.error(e)))
                .flux();
    }

    private static <T> Mono<T> within(Mono<T> work, Duration timeout) {
        return work.timeout(timeout, Mono.error(() -> new TimeoutException("no DHT answer within "
                + timeout.toSeconds() + " s")));
    }

    private static Flux<MessageLite> stream(Flux<DHTResponse> values, Duration timeout) {
        DHTResponse begin = DHTResponse.newBuilder().setType(DHTResponse.Type.BEGIN).build();
        DHTResponse end = DHTResponse.newBuilder().setType(DHTResponse.Type.END).build();
        return values.take(timeout).switchOnFirst((first, all) -> {
            if (first.isOnError()) {
                return Flux.just(ControlRequests.error(first.getThrowable()));
            }
            Flux<MessageLite> results = all.<MessageLite>map(v -> v).onErrorResume(e -> {
                log.debug("DHT query failed after its stream began; ending the stream", e);
                return Flux.empty();
            });
            return Flux.concat(Mono.just(Response.newBuilder().setType(Response.Type.OK).setDht(begin).build()),
                    results, Mono.just(end));
        });
    }

    private static DHTResponse peerValue(io.peerflux.peer.PeerInfo peer) {
        PeerInfo.Builder info = PeerInfo.newBuilder().setId(ByteString.copyFrom(peer.peerId().bytes()));
        peer.addresses().forEach(a -> info.addAddrs(ByteString.copyFrom(a.bytes())));
        return DHTResponse.newBuilder().setType(DHTResponse.Type.VALUE).setPeer(info).build();
    }

    private static DHTResponse value(byte[] value) {
        return DHTResponse.newBuilder().setType(DHTResponse.Type.VALUE).setValue(ByteString.copyFrom(value)).build();
    }

    private static PeerId peer(DHTRequest request) {
        if (!request.hasPeer()) {
            throw new IllegalArgumentException("malformed DHT request: " + request.getType() + " needs a peer");
        }
        return ControlRequests.peerId(request.getPeer());
    }

    private static byte[] key(DHTRequest request) {
        if (!request.hasKey() || request.getKey().isEmpty()) {
            throw new IllegalArgumentException("malformed DHT request: " + request.getType() + " needs a key");
        }
        return request.getKey().toByteArray();
    }

    private static byte[] valueOf(DHTRequest request) {
        if (!request.hasValue()) {
            throw new IllegalArgumentException("malformed DHT request: " + request.getType() + " needs a value");
        }
        return request.getValue().toByteArray();
    }

    private static Cid cid(DHTRequest request) {
        if (!request.hasCid()) {
            throw new IllegalArgumentException("malformed DHT request: " + request.getType() + " needs a cid");
        }
        try {
            return Cid.parse(request.getCid().toByteArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cid: " + e.getMessage(), e);
        }
    }
}
