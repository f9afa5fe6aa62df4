package io.peerflux.samples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Host;
import io.peerflux.Stream;
import io.peerflux.StreamResetException;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Varint;
import io.peerflux.samples.daemon.pb.DaemonProtos.ConnectRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.DHTRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.PSRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.PeerInfo;
import io.peerflux.samples.daemon.pb.DaemonProtos.PeerstoreRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import io.peerflux.samples.daemon.pb.DaemonProtos.StreamHandlerRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.StreamInfo;
import io.peerflux.samples.daemon.pb.DaemonProtos.StreamOpenRequest;
import io.peerflux.testing.TestHosts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The control protocol against an in-process daemon: a Peerflux host behind a {@link ControlServer}, driven by a
 * plain socket client, with a second host as the remote peer.
 */
class ControlProtocolTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String HOLD = "/hold/1.0.0";

    Host daemonHost;
    ControlServer control;
    Host peer;
    /** Signals of the streams {@link #peer} served on {@link #HOLD}: completion, or the error that ended them. */
    final java.util.List<CompletableFuture<Void>> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        daemonHost = TestHosts.tcp();
        control = ControlServer.start(daemonHost, Multiaddr.of("/ip4/127.0.0.1/tcp/0")).block(TIMEOUT);
        peer = TestHosts.tcp(b -> b.handle(HOLD, stream -> {
            CompletableFuture<Void> ended = new CompletableFuture<>();
            held.add(ended);
            return stream.send(stream.receive().map(ByteBuf::retain))
                    .doOnSuccess(v -> ended.complete(null))
                    .doOnError(ended::completeExceptionally);
        }));
    }

    @AfterEach
    void stop() {
        control.close().block(TIMEOUT);
        daemonHost.stop().block(TIMEOUT);
        peer.stop().block(TIMEOUT);
    }

    ControlClient client() throws IOException {
        return ControlClient.connect(ControlAddress.toSocketAddress(control.address()));
    }

    Request connectToPeer() {
        ConnectRequest.Builder connect = ConnectRequest.newBuilder().setPeer(ByteString.copyFrom(peer.peerId().bytes()));
        peer.listenAddresses().forEach(a -> connect.addAddrs(ByteString.copyFrom(a.bytes())));
        return Request.newBuilder().setType(Request.Type.CONNECT).setConnect(connect).build();
    }

    Request streamOpen(String protocol) {
        return Request.newBuilder().setType(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
                .setPeer(ByteString.copyFrom(peer.peerId().bytes())).addProto(protocol)).build();
    }

    static Request request(Request.Type type) {
        return Request.newBuilder().setType(type).build();
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        try (ControlClient client = client()) {
            client.send(request(Request.Type.IDENTIFY)).send(connectToPeer()).send(request(Request.Type.LIST_PEERS));

            Response identify = client.response();
            assertThat(identify.getType()).isEqualTo(Response.Type.OK);
            assertThat(identify.getIdentify().getId().toByteArray()).isEqualTo(daemonHost.peerId().bytes());
            assertThat(identify.getIdentify().getAddrsList()).extracting(a -> Multiaddr.of(a.toByteArray()))
                    .containsExactlyElementsOf(daemonHost.listenAddresses());
            assertThat(client.response().getType()).isEqualTo(Response.Type.OK);
            Response peers = client.response();
            assertThat(peers.getPeersList()).extracting(p -> ByteString.copyFrom(peer.peerId().bytes()))
                    .hasSize(1);
            PeerInfo info = peers.getPeers(0);
            assertThat(info.getId().toByteArray()).isEqualTo(peer.peerId().bytes());
            assertThat(info.getAddrsList()).extracting(a -> Multiaddr.of(a.toByteArray()))
                    .containsExactlyElementsOf(peer.listenAddresses());

            Response protocols = client.send(Request.newBuilder().setType(Request.Type.PEERSTORE)
                    .setPeerStore(PeerstoreRequest.newBuilder().setType(PeerstoreRequest.Type.GET_PEER_INFO)
                            .setId(ByteString.copyFrom(peer.peerId().bytes()))).build()).response();
            assertThat(protocols.getPeerStore().getPeer().getAddrsList()).isNotEmpty();
        }
    }

    @Test
    void streamOpenTurnsTheConnectionIntoTheStream() throws Exception {
        try (ControlClient client = client()) {
            assertThat(client.send(connectToPeer()).response().getType()).isEqualTo(Response.Type.OK);
            // The first payload travels in the same write as the request: the daemon must not lose it.
            ByteArrayOutputStream requestAndPayload = new ByteArrayOutputStream();
            streamOpen(HOLD).writeDelimitedTo(requestAndPayload);
            requestAndPayload.write("hello ".getBytes(StandardCharsets.UTF_8));
            client.sendRaw(requestAndPayload.toByteArray());

            Response opened = client.response();
            assertThat(opened.getType()).as(opened.getError().getMsg()).isEqualTo(Response.Type.OK);
            StreamInfo info = opened.getStreamInfo();
            assertThat(info.getPeer().toByteArray()).isEqualTo(peer.peerId().bytes());
            assertThat(info.getProto()).isEqualTo(HOLD);
            assertThat(peer.listenAddresses()).contains(Multiaddr.of(info.getAddr().toByteArray()));

            client.sendRaw("world".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            assertThat(new String(client.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        }
        held.get(0).get(10, TimeUnit.SECONDS);
    }

    @Test
    void streamHandlerForwardsEachInboundStreamOverTcp() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ControlClient client = client()) {
            Multiaddr at = Multiaddr.tcp(listener.getInetAddress(), listener.getLocalPort());
            assertThat(client.send(streamHandler(at, "/forwarded/1.0.0")).response().getType())
                    .isEqualTo(Response.Type.OK);
            CompletableFuture<String> reply = sendAndCollect("/forwarded/1.0.0", "ping");
            try (Socket accepted = listener.accept()) {
                accepted.setSoTimeout(20_000);
                serveForwarded(accepted.getInputStream(), accepted.getOutputStream());
                accepted.shutdownOutput();
                assertThat(reply.get(20, TimeUnit.SECONDS)).isEqualTo("pong");
            }
        }
    }

    @Test
    void streamHandlerForwardsOverAUnixSocket(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("client.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             ControlClient client = client()) {
            listener.bind(UnixDomainSocketAddress.of(path));
            assertThat(client.send(streamHandler(Multiaddr.of("/unix" + path), "/forwarded/1.0.0")).response()
                    .getType()).isEqualTo(Response.Type.OK);
            CompletableFuture<String> reply = sendAndCollect("/forwarded/1.0.0", "ping");
            try (SocketChannel accepted = listener.accept()) {
                serveForwarded(Channels.newInputStream(accepted), Channels.newOutputStream(accepted));
                accepted.shutdownOutput();
                assertThat(reply.get(20, TimeUnit.SECONDS)).isEqualTo("pong");
            }
        }
    }

    @Test
    void controlOverAUnixSocket(@TempDir Path dir) throws Exception {
        ControlServer unix = ControlServer.start(daemonHost, Multiaddr.of("/unix" + dir.resolve("p2pd.sock")))
                .block(TIMEOUT);
        try (ControlClient client = ControlClient.connect(ControlAddress.toSocketAddress(unix.address()))) {
            assertThat(client.send(request(Request.Type.IDENTIFY)).response().getIdentify().getId().toByteArray())
                    .isEqualTo(daemonHost.peerId().bytes());
        } finally {
            unix.close().block(TIMEOUT);
        }
    }

    @Test
    void unreachableHandlerResetsTheInboundStream() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        try (ControlClient client = client()) {
            Multiaddr nobody = Multiaddr.tcp(InetAddress.getLoopbackAddress(), closedPort);
            assertThat(client.send(streamHandler(nobody, "/forwarded/1.0.0")).response().getType())
                    .isEqualTo(Response.Type.OK);
        }
        CompletableFuture<String> reply = sendAndCollect("/forwarded/1.0.0", "ping");
        assertThat(reply).failsWithin(TIMEOUT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(StreamResetException.class);
        assertIdentifyWorks();
    }

    // ---- bad input ----

    @Test
    void garbageIsAnsweredWithAnErrorAndOnlyThatConnectionCloses() throws Exception {
        try (ControlClient bystander = client(); ControlClient bad = client()) {
            bad.sendRaw(new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            assertErrorThenClosed(bad, "malformed request");
            assertThat(bystander.send(request(Request.Type.IDENTIFY)).response().getType())
                    .isEqualTo(Response.Type.OK);
        }
    }

    @Test
    void oversizedMessageIsRefusedBeforeItArrives() throws Exception {
        try (ControlClient bad = client()) {
            byte[] length = Varint.encode(ControlFrames.MAX_MESSAGE_SIZE + 1L);
            bad.sendRaw(length);
            assertErrorThenClosed(bad, "exceeds");
        }
        assertIdentifyWorks();
    }

    @Test
    void malformedLengthIsAnError() throws Exception {
        try (ControlClient bad = client()) {
            byte[] overlong = new byte[10];
            java.util.Arrays.fill(overlong, (byte) 0xff);
            bad.sendRaw(overlong);
            assertErrorThenClosed(bad, "length");
        }
        assertIdentifyWorks();
    }

    @Test
    void unknownAndUnsupportedRequestsAreErrorsAndTheConnectionGoesOn() throws Exception {
        try (ControlClient client = client()) {
            Response unknown = client.send(Request.newBuilder().setTypeValue(42).build()).response();
            assertThat(unknown.getType()).isEqualTo(Response.Type.ERROR);
            assertThat(unknown.getError().getMsg()).contains("unknown request type 42");
            Response dht = client.send(Request.newBuilder().setType(Request.Type.DHT)
                    .setDht(DHTRequest.newBuilder().setType(DHTRequest.Type.FIND_PEER)).build()).response();
            assertThat(dht.getError().getMsg()).contains("DHT");
            Response pubsub = client.send(Request.newBuilder().setType(Request.Type.PUBSUB)
                    .setPubsub(PSRequest.newBuilder().setType(PSRequest.Type.GET_TOPICS)).build()).response();
            assertThat(pubsub.getError().getMsg()).contains("PUBSUB");
            Response badPeer = client.send(Request.newBuilder().setType(Request.Type.CONNECT)
                    .setConnect(ConnectRequest.newBuilder().setPeer(ByteString.copyFromUtf8("nope"))).build())
                    .response();
            assertThat(badPeer.getError().getMsg()).contains("invalid peer id");
            assertThat(client.send(request(Request.Type.IDENTIFY)).response().getType()).isEqualTo(Response.Type.OK);
        }
    }

    @Test
    void clientThatDisconnectsMidRequestLeavesTheDaemonServing() throws Exception {
        try (ControlClient bad = client()) {
            bad.sendRaw(new byte[] {100, 8, 1});
        }
        assertIdentifyWorks();
    }

    @Test
    void clientThatDisconnectsMidStreamResetsOnlyItsStream() throws Exception {
        try (ControlClient client = client()) {
            assertThat(client.send(connectToPeer()).response().getType()).isEqualTo(Response.Type.OK);
        }
        ControlClient dropped = client();
        ControlClient kept = client();
        try {
            assertThat(dropped.send(streamOpen(HOLD)).response().getType()).isEqualTo(Response.Type.OK);
            assertThat(kept.send(streamOpen(HOLD)).response().getType()).isEqualTo(Response.Type.OK);
            dropped.sendRaw("half".getBytes(StandardCharsets.UTF_8));
            assertThat(dropped.in.readNBytes(4)).isEqualTo("half".getBytes(StandardCharsets.UTF_8));
            dropped.abort();

            HostWaits.eventually(() -> held.size() == 2 && held.get(0).isCompletedExceptionally());
            assertThat(held.get(0)).failsWithin(TIMEOUT);
            kept.sendRaw("still here".getBytes(StandardCharsets.UTF_8));
            kept.shutdownOutput();
            assertThat(new String(kept.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("still here");
            held.get(1).get(10, TimeUnit.SECONDS);
            assertThat(daemonHost.connections()).hasSize(1);
        } finally {
            kept.close();
        }
        assertIdentifyWorks();
    }

    // ---- helpers ----

    static Request streamHandler(Multiaddr address, String protocol) {
        return Request.newBuilder().setType(Request.Type.STREAM_HANDLER).setStreamHandler(StreamHandlerRequest
                .newBuilder().setAddr(ByteString.copyFrom(address.bytes())).addProto(protocol)).build();
    }

    /** From {@link #peer}: opens {@code protocol} on the daemon's host, sends {@code text}, collects the reply. */
    CompletableFuture<String> sendAndCollect(String protocol, String text) {
        return peer.newStream(TestHosts.address(daemonHost), protocol)
                .flatMap((Stream s) -> s.send(Mono.just(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)))
                        .then(s.closeWrite())
                        .then(s.receive().map(b -> b.toString(StandardCharsets.UTF_8)).reduce("", String::concat)))
                .toFuture();
    }

    /** The client side of a forwarded stream: StreamInfo first, then "ping" until EOF, answered with "pong". */
    void serveForwarded(InputStream in, java.io.OutputStream out) throws IOException {
        StreamInfo info = StreamInfo.parseDelimitedFrom(in);
        assertThat(info.getPeer().toByteArray()).isEqualTo(peer.peerId().bytes());
        assertThat(info.getProto()).isEqualTo("/forwarded/1.0.0");
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ping");
        out.write("pong".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static void assertErrorThenClosed(ControlClient client, String messagePart) throws IOException {
        Response response = client.response();
        assertThat(response.getType()).isEqualTo(Response.Type.ERROR);
        assertThat(response.getError().getMsg()).contains(messagePart);
        assertThat(client.in.read()).as("the daemon closes the connection").isEqualTo(-1);
    }

    void assertIdentifyWorks() throws IOException {
        try (ControlClient client = client()) {
            assertThat(client.send(request(Request.Type.IDENTIFY)).response().getType()).isEqualTo(Response.Type.OK);
        }
    }
}
