package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.peerflux.DialException;
import io.peerflux.HandshakeException;
import io.peerflux.Host;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multistream.Multistream;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.tcp.Tcp;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that sends garbage loses its own connection, with a typed error where there is a caller to tell, and
 * nothing else: the host keeps serving a second, live connection and accepts new ones.
 */
class BadInputTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    Host server;
    Host bystander;

    @BeforeEach
    void start() {
        server = TestHosts.tcp();
        bystander = TestHosts.tcp();
        bystander.connect(TestHosts.address(server)).block(TIMEOUT);
    }

    @AfterEach
    void stop() {
        bystander.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    /** The bystander's existing connection still works, and a fresh host can still connect. */
    void serverStillServes() {
        assertThat(bystander.connections()).hasSize(1);
        assertThat(bystander.ping(server.peerId()).block(TIMEOUT)).isPositive();
        Host fresh = TestHosts.tcp();
        try {
            var connection = fresh.connect(TestHosts.address(server)).block(TIMEOUT);
            assertThat(Echo.echo(connection, new byte[1000], 100).block(TIMEOUT)).isEqualTo(1000);
        } finally {
            fresh.stop().block(TIMEOUT);
        }
    }

    InetSocketAddress serverSocket() {
        return server.listenAddresses().get(0).toInetSocketAddress().orElseThrow();
    }

    /** Writes raw bytes on a plain socket and expects the server to close it. */
    void expectClosedAfter(byte[] garbage) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(serverSocket(), 5000);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(garbage);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            try {
                while (in.read(sink) >= 0) {
                    // Whatever the server answered before closing is ignored.
                }
            } catch (SocketException e) {
                // Closed with our garbage still unread: the kernel answers with a reset. Closed all the same.
                assertThat(e.getMessage()).contains("reset");
            }
        }
    }

    @Test
    void httpInsteadOfMultistreamClosesOnlyThatConnection() throws Exception {
        expectClosedAfter("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        serverStillServes();
    }

    @Test
    void overLongMultistreamMessageClosesOnlyThatConnection() throws Exception {
        byte[] message = new byte[3 + 70_000];
        message[0] = (byte) 0xf0; // uvarint 70000 = 0xf0 0xa2 0x04
        message[1] = (byte) 0xa2;
        message[2] = 0x04;
        expectClosedAfter(message);
        serverStillServes();
    }

    @Test
    void dialingTheWrongPeerIdFailsWithTheAddressAndAHandshakeCause() {
        PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        Multiaddr wrong = Multiaddr.of(server.listenAddresses().get(0) + "/p2p/" + someoneElse);
        Host dialer = TestHosts.tcp();
        try {
            assertThatThrownBy(() -> dialer.connect(wrong).block(TIMEOUT))
                    .isInstanceOf(DialException.class)
                    .satisfies(e -> assertThat(((DialException) e).address()).isEqualTo(wrong))
                    .hasCauseInstanceOf(HandshakeException.class)
                    .hasMessageContaining(wrong.toString());
        } finally {
            dialer.stop().block(TIMEOUT);
        }
        serverStillServes();
    }

    @Test
    void dialingARefusedPortFailsWithTheAddressAndCause() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        Multiaddr refused = Multiaddr.of("/ip4/127.0.0.1/tcp/" + port);
        assertThatThrownBy(() -> bystander.connect(refused).block(TIMEOUT))
                .isInstanceOf(DialException.class)
                .hasMessageContaining(refused.toString())
                .hasRootCauseInstanceOf(ConnectException.class);
    }

    @Test
    void dialingAPeerThatNeverAnswersTimesOutAsConfigured() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            Multiaddr address = Multiaddr.of("/ip4/127.0.0.1/tcp/" + silent.getLocalPort());
            Host impatient = TestHosts.tcp(b -> b.dialTimeout(Duration.ofMillis(500)));
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> impatient.connect(address).block(TIMEOUT))
                        .isInstanceOf(DialException.class)
                        .hasMessageContaining(address.toString())
                        .hasMessageContaining("timed out");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            } finally {
                impatient.stop().block(TIMEOUT);
            }
        }
    }

    // ---- Yamux frames from a peer that completed Noise honestly ----

    /** Connects, negotiates Noise and Yamux by hand, and returns the channel, ready for raw Yamux frames. */
    Channel secureYamuxChannel() {
        Tcp tcp = Tcp.create();
        var raw = tcp.dial(TestHosts.address(server), TIMEOUT, PrivateKey.generateEd25519(), server.peerId())
                .block(TIMEOUT);
        Channel channel = raw.channel();
        Multistream.negotiate(channel, true, List.of("/noise"), TIMEOUT)
                .flatMap(id -> Noise.create().secure(channel, true, PrivateKey.generateEd25519(), server.peerId(),
                        List.of()))
                .flatMap(session -> Multistream.negotiate(channel, true, List.of("/yamux/1.0.0"), TIMEOUT))
                .block(TIMEOUT);
        return channel;
    }

    static ByteBuf frame(int version, int type, int flags, int streamId, int length) {
        return Unpooled.buffer(12).writeByte(version).writeByte(type).writeShort(flags).writeInt(streamId)
                .writeInt(length);
    }

    void expectClosedAfter(Channel channel, ByteBuf... frames) {
        for (ByteBuf f : frames) {
            channel.write(f);
        }
        channel.flush();
        assertThat(channel.closeFuture().awaitUninterruptibly(TIMEOUT.toMillis())).as("closed by the server").isTrue();
    }

    @Test
    void yamuxUnknownFrameTypeClosesOnlyThatConnection() {
        expectClosedAfter(secureYamuxChannel(), frame(0, 7, 0, 1, 0));
        serverStillServes();
    }

    @Test
    void yamuxUnknownVersionClosesOnlyThatConnection() {
        expectClosedAfter(secureYamuxChannel(), frame(1, 0, 1, 1, 0));
        serverStillServes();
    }

    @Test
    void yamuxWindowOverflowClosesOnlyThatConnection() {
        int tooMuch = 256 * 1024 + 1;
        ByteBuf data = Unpooled.buffer(12 + tooMuch);
        data.writeBytes(frame(0, 0, 0, 1, tooMuch));
        data.writerIndex(12 + tooMuch);
        expectClosedAfter(secureYamuxChannel(), frame(0, 1, 1, 1, 0), data);
        serverStillServes();
    }

    @Test
    void yamuxDataOnAStreamNeverOpenedClosesOnlyThatConnection() {
        ByteBuf data = Unpooled.buffer(12 + 10);
        data.writeBytes(frame(0, 0, 0, 99, 10));
        data.writerIndex(22);
        expectClosedAfter(secureYamuxChannel(), data);
        serverStillServes();
    }

    @Test
    void pingStillWorksOverManyIterations() {
        assertThat(Ping.ping(bystander.connections().get(0), 20).collectList().block(TIMEOUT)).hasSize(20);
    }
}
