package io.peerflux.samples.daemon;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.Stream;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.peer.PeerId;
import io.peerflux.samples.daemon.pb.DaemonProtos.ConnectRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.ErrorResponse;
import io.peerflux.samples.daemon.pb.DaemonProtos.IdentifyResponse;
import io.peerflux.samples.daemon.pb.DaemonProtos.PeerInfo;
import io.peerflux.samples.daemon.pb.DaemonProtos.PeerstoreRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.PeerstoreResponse;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import io.peerflux.samples.daemon.pb.DaemonProtos.StreamHandlerRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.StreamInfo;
import io.peerflux.samples.daemon.pb.DaemonProtos.StreamOpenRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Carries out control requests on the host (CONTROL.md "Protocol Requests", PEERSTORE.md) and says what to answer.
 *
 * <p>An answer is a {@code Flux} of messages written in order: one {@code Response} for most requests; for the
 * streaming requests of DHT.md and PUBSUB.md, a {@code Response} followed by further messages
 * ({@code Response{OK, dht: BEGIN}}, then {@code DHTResponse{VALUE}}…, then {@code DHTResponse{END}}; or
 * {@code Response{OK}} then one {@code PSMessage} per message). DHT requests go to {@link DhtRequests} when the
 * daemon runs a DHT; PUBSUB and CONNMANAGER requests are answered with an ERROR until those services exist. Failures
 * become ERROR responses; an answer never fails.
 */
final class ControlRequests {

    /** How long CONNECT and STREAM_OPEN may take when the request gives no timeout. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The longest timeout a request may ask for. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    private final Host host;
    private final InboundStreams inbound;
    /** The DHT's requests, or {@code null} when the daemon runs no DHT. */
    private final DhtRequests dht;

    ControlRequests(Host host, InboundStreams inbound) {
        this(host, inbound, null);
    }

    ControlRequests(Host host, InboundStreams inbound, DhtRequests dht) {
        this.host = host;
        this.inbound = inbound;
        this.dht = dht;
    }

    /** The messages that answer {@code request}, which is anything but STREAM_OPEN. */
    Flux<MessageLite> answer(Request request) {
        Flux<? extends MessageLite> answer = switch (request.getType()) {
            case IDENTIFY -> Mono.fromSupplier(this::identify).flux();
            case CONNECT -> connect(request.getConnect()).thenReturn(ok()).flux();
            case DISCONNECT -> disconnect(request.getDisconnect().getPeer()).thenReturn(ok()).flux();
            case LIST_PEERS -> Mono.fromSupplier(this::listPeers).flux();
            case STREAM_HANDLER -> Mono.fromSupplier(() -> registerHandler(request.getStreamHandler())).flux();
            case PEERSTORE -> Mono.fromSupplier(() -> peerstore(request.getPeerStore())).flux();
            case DHT -> dht(request);
            case PUBSUB -> Flux.just(error("PUBSUB requests are not supported yet: this daemon has no pubsub router"));
            case CONNMANAGER -> Flux.just(error("CONNMANAGER requests are not supported"));
            case STREAM_OPEN -> Flux.error(new IllegalArgumentException("STREAM_OPEN is not answered here"));
            case UNRECOGNIZED -> Flux.just(error("unknown request type " + request.getTypeValue()));
        };
        // Single answers fail before their message; DhtRequests' streams never fail.
        return answer.<MessageLite>map(m -> m).onErrorResume(e -> Mono.just(error(e)));
    }

    private Flux<MessageLite> dht(Request request) {
        if (dht == null) {
            return Flux.just(error("DHT not enabled: start the daemon with -dht, -dhtServer or -dhtClient"));
        }
        if (!request.hasDht()) {
            return Flux.just(error("malformed DHT request: no dht field"));
        }
        return dht.answer(request.getDht());
    }

    /** Opens the stream a STREAM_OPEN request asks for. */
    Mono<Stream> openStream(StreamOpenRequest request) {
        return Mono.defer(() -> {
            if (request.getProtoCount() == 0) {
                return Mono.error(new IllegalArgumentException("STREAM_OPEN names no protocol"));
            }
            PeerId peer = peerId(request.getPeer());
            Duration timeout = timeout(request.hasTimeout() ? request.getTimeout() : 0);
            return host.newStream(peer, request.getProtoList().toArray(String[]::new))
                    .timeout(timeout, Mono.error(() -> new TimeoutException("no stream to " + peer + " within "
                            + timeout.toSeconds() + " s")));
        });
    }

    /** The OK response to STREAM_OPEN (CONTROL.md "StreamOpen"). */
    static Response streamOpened(Stream stream) {
        return Response.newBuilder().setType(Response.Type.OK).setStreamInfo(streamInfo(stream)).build();
    }

    /** What the daemon tells a client about a stream: the peer, the address it is connected on, the protocol. */
    static StreamInfo streamInfo(Stream stream) {
        Connection connection = stream.connection();
        return StreamInfo.newBuilder()
                .setPeer(ByteString.copyFrom(connection.remotePeer().bytes()))
                .setAddr(ByteString.copyFrom(connection.remoteAddress().bytes()))
                .setProto(stream.protocol())
                .build();
    }

    static Response ok() {
        return Response.newBuilder().setType(Response.Type.OK).build();
    }

    static Response error(String message) {
        return Response.newBuilder().setType(Response.Type.ERROR)
                .setError(ErrorResponse.newBuilder().setMsg(message)).build();
    }

    static Response error(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 1000; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
            if (text.indexOf(message) < 0) {
                text.append(text.length() > 0 ? ": " : "").append(message);
            }
        }
        return error(text.toString());
    }

    private Response identify() {
        IdentifyResponse.Builder identify = IdentifyResponse.newBuilder()
                .setId(ByteString.copyFrom(host.peerId().bytes()));
        host.listenAddresses().forEach(a -> identify.addAddrs(ByteString.copyFrom(a.bytes())));
        return Response.newBuilder().setType(Response.Type.OK).setIdentify(identify).build();
    }

    private Mono<Void> connect(ConnectRequest request) {
        return Mono.defer(() -> {
            PeerId peer = peerId(request.getPeer());
            List<Multiaddr> addresses = new ArrayList<>();
            for (ByteString address : request.getAddrsList()) {
                addresses.add(Multiaddr.of(address.toByteArray()).withoutPeerId());
            }
            host.peerstore().addAddresses(peer, addresses);
            Duration timeout = timeout(request.hasTimeout() ? request.getTimeout() : 0);
            return host.connect(peer)
                    .timeout(timeout, Mono.error(() -> new TimeoutException("no connection to " + peer + " within "
                            + timeout.toSeconds() + " s")))
                    .then();
        });
    }

    private Mono<Void> disconnect(ByteString peerBytes) {
        return Mono.defer(() -> {
            PeerId peer = peerId(peerBytes);
            return Flux.fromIterable(host.connections())
                    .filter(c -> c.remotePeer().equals(peer))
                    .flatMap(Connection::close)
                    .then();
        });
    }

    private Response listPeers() {
        Map<PeerId, PeerInfo.Builder> peers = new LinkedHashMap<>();
        for (Connection connection : host.connections()) {
            peers.computeIfAbsent(connection.remotePeer(), p -> PeerInfo.newBuilder()
                            .setId(ByteString.copyFrom(p.bytes())))
                    .addAddrs(ByteString.copyFrom(connection.remoteAddress().bytes()));
        }
        Response.Builder response = Response.newBuilder().setType(Response.Type.OK);
        peers.values().forEach(response::addPeers);
        return response.build();
    }

    private Response registerHandler(StreamHandlerRequest request) {
        if (request.getProtoCount() == 0) {
            return error("STREAM_HANDLER names no protocol");
        }
        Multiaddr client = Multiaddr.of(request.getAddr().toByteArray());
        inbound.register(client, request.getProtoList());
        return ok();
    }

    private Response peerstore(PeerstoreRequest request) {
        PeerId peer = peerId(request.getId());
        return switch (request.getType()) {
            case GET_PROTOCOLS -> Response.newBuilder().setType(Response.Type.OK)
                    .setPeerStore(PeerstoreResponse.newBuilder()
                            .addAllProtos(host.peerstore().protocols(peer).stream().sorted().toList()))
                    .build();
            case GET_PEER_INFO -> {
                PeerInfo.Builder info = PeerInfo.newBuilder().setId(ByteString.copyFrom(peer.bytes()));
                host.peerstore().addresses(peer).forEach(a -> info.addAddrs(ByteString.copyFrom(a.bytes())));
                yield Response.newBuilder().setType(Response.Type.OK)
                        .setPeerStore(PeerstoreResponse.newBuilder().setPeer(info)).build();
            }
            case UNSPECIFIED, UNRECOGNIZED -> error("unsupported PEERSTORE request type " + request.getTypeValue());
        };
    }

    static PeerId peerId(ByteString bytes) {
        try {
            return PeerId.fromBytes(bytes.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid peer id: " + e.getMessage(), e);
        }
    }

    /** The timeout a request asks for in seconds (p2pd's unit), or the default for 0 or less, capped. */
    static Duration timeout(long seconds) {
        if (seconds <= 0) {
            return DEFAULT_TIMEOUT;
        }
        return seconds >= MAX_TIMEOUT.toSeconds() ? MAX_TIMEOUT : Duration.ofSeconds(seconds);
    }
}
