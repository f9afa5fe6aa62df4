package io.peerflux.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.peerflux.Connection;
import io.peerflux.DialException;
import io.peerflux.Host;
import io.peerflux.IdentifyInfo;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.protocol.ping.Ping;
import io.peerflux.security.noise.Noise;
import io.peerflux.testing.TestHosts;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Java hosts over WebSocket (Noise + Yamux), and a listener facing requests and frames it must refuse. */
@Timeout(60)
class WebSocketTransportTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    final WebSocketTransport transport = WebSocketTransport.create();
    Host server;
    Host client;

    static Host wsHost() {
        Host host = Peerflux.host()
                .transport(WebSocketTransport.create())
                .security(Noise.create())
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0/ws"))
                .build();
        host.start().block(TIMEOUT);
        return host;
    }

    @BeforeEach
    void start() {
        server = wsHost();
        client = wsHost();
    }

    @AfterEach
    void stop() {
        client.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    @Test
    void understandsOnlyPlainWebSocketAddresses() {
        assertThat(transport.canListen(Multiaddr.of("/ip4/0.0.0.0/tcp/0/ws"))).isTrue();
        assertThat(transport.canListen(Multiaddr.of("/ip6/::1/tcp/0/ws"))).isTrue();
        assertThat(transport.canDial(TestHosts.address(server))).isTrue();
        assertThat(transport.canDial(Multiaddr.of("/ip4/127.0.0.1/tcp/1"))).isFalse();
        assertThat(transport.canDial(Multiaddr.of("/ip4/127.0.0.1/tcp/1/wss"))).isFalse();
        assertThat(transport.canListen(Multiaddr.of("/ip4/127.0.0.1/tcp/1/tls/ws"))).isFalse();
        assertThat(transport.canDial(Multiaddr.of("/ip4/127.0.0.1/udp/1/quic-v1"))).isFalse();
        assertThat(transport.canDial(Multiaddr.of("/memory/1"))).isFalse();
    }

    @Test
    void secureWebSocketIsRefusedWithAReason() {
        assertThatThrownBy(() -> transport.dial(Multiaddr.of("/ip4/127.0.0.1/tcp/1/wss"), TIMEOUT,
                PrivateKey.generateEd25519(), null).block(TIMEOUT))
                .isInstanceOf(DialException.class).hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> transport.listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0/tls/ws"),
                PrivateKey.generateEd25519(), c -> { }).block(TIMEOUT))
                .hasMessageContaining("not supported yet");
    }

    @Test
    void dialingAClosedPortFailsWithADialException() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Multiaddr nobody = Multiaddr.of("/ip4/127.0.0.1/tcp/" + port + "/ws");
        assertThatThrownBy(() -> client.connect(nobody).block(TIMEOUT)).isInstanceOf(DialException.class);
    }

    @Test
    void anHttpServerThatRefusesTheUpgradeFailsTheDialAtOnce() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket socket = http.accept()) {
                    socket.getInputStream().read(new byte[4096]);
                    send(socket, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                    socket.getInputStream().read(); // until the dialer closes
                } catch (IOException ignored) {
                    // the dialer went away
                }
            });
            answer.start();
            Multiaddr address = Multiaddr.of("/ip4/127.0.0.1/tcp/" + http.getLocalPort() + "/ws");
            long start = System.nanoTime();
            assertThatThrownBy(() -> transport.dial(address, TIMEOUT, PrivateKey.generateEd25519(), null)
                    .block(TIMEOUT))
                    .isInstanceOf(DialException.class).hasMessageContaining(address.toString())
                    .hasRootCauseInstanceOf(WebSocketHandshakeException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            answer.join(5000);
        }
    }

    @Test
    void aServerThatNeverAnswersTheUpgradeTimesTheDialOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Multiaddr address = Multiaddr.of("/ip4/127.0.0.1/tcp/" + silent.getLocalPort() + "/ws");
            assertThatThrownBy(() -> transport.dial(address, Duration.ofMillis(500), PrivateKey.generateEd25519(),
                    null).block(TIMEOUT))
                    .isInstanceOf(DialException.class).hasMessageContaining("500");
        }
    }

    @Test
    void echoPingAndIdentifyBetweenHosts() {
        Connection connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
        assertThat(connection.remoteAddress()).isEqualTo(server.listenAddresses().get(0));
        assertThat(connection.localAddress().toString()).startsWith("/ip4/127.0.0.1/tcp/").endsWith("/ws");

        byte[] payload = new byte[8 << 20];
        new Random(8).nextBytes(payload);
        assertThat(Echo.echo(connection, payload, 64 * 1024).block(TIMEOUT)).isEqualTo(payload.length);
        assertThat(Ping.ping(connection, 3).collectList().block(TIMEOUT))
                .hasSize(3).allSatisfy(rtt -> assertThat(rtt).isPositive());
        IdentifyInfo info = connection.identify().block(TIMEOUT);
        assertThat(info.listenAddresses()).containsExactlyElementsOf(server.listenAddresses());
        assertThat(info.observedAddress()).isEqualTo(connection.localAddress());
        assertThat(server.ping(client.peerId()).block(TIMEOUT)).isPositive();
    }

    // ---- what the listener refuses ----

    @Test
    void wrongPathGets404AndIsClosed() throws IOException {
        try (Socket socket = connect()) {
            send(socket, upgradeRequest("/other"));
            assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 404 Not Found");
        }
        assertServerStillServes();
    }

    @Test
    void plainHttpGetGets426AndIsClosed() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String response = readToEnd(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 426 Upgrade Required")
                    .containsIgnoringCase("sec-websocket-version: 13");
        }
        assertServerStillServes();
    }

    @Test
    void anotherWebSocketVersionGets426() throws IOException {
        try (Socket socket = connect()) {
            send(socket, upgradeRequest("/").replace("Version: 13", "Version: 8"));
            assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 426 Upgrade Required");
        }
        assertServerStillServes();
    }

    @Test
    void postGets405AndGarbageGets400() throws IOException {
        try (Socket socket = connect()) {
            send(socket, upgradeRequest("/").replace("GET", "POST"));
            assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 405 Method Not Allowed");
        }
        try (Socket socket = connect()) {
            send(socket, "HELLO / WORLD\r\n\r\n");
            assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 400 Bad Request");
        }
        assertServerStillServes();
    }

    @Test
    void aTextFrameAfterTheUpgradeClosesTheConnectionWith1003() throws IOException {
        try (Socket socket = upgraded()) {
            socket.getOutputStream().write(maskedFrame(0x1, "hello".getBytes(StandardCharsets.UTF_8)));
            assertThat(closeCode(new DataInputStream(socket.getInputStream()))).isEqualTo(1003);
            assertThat(socket.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
        assertServerStillServes();
    }

    @Test
    void anOversizedFrameClosesTheConnectionWith1009() throws IOException {
        try (Socket socket = upgraded()) {
            OutputStream out = socket.getOutputStream();
            long size = WebSocketTransport.MAX_FRAME_PAYLOAD + 1L;
            out.write(new byte[] {(byte) 0x82, (byte) (0x80 | 127)});
            out.write(ByteBuffer.allocate(8).putLong(size).array());
            out.write(new byte[4]); // mask key; the payload never comes
            out.flush();
            assertThat(closeCode(new DataInputStream(socket.getInputStream()))).isEqualTo(1009);
            // Netty's decoder sends its close frame past the protocol handler, which may send one more as the
            // connection closes; then the stream ends.
            socket.getInputStream().readAllBytes();
        }
        assertServerStillServes();
    }

    // ---- a raw WebSocket client ----

    void assertServerStillServes() {
        assertThat(client.ping(server.peerId()).onErrorResume(e -> client.connect(TestHosts.address(server))
                .flatMap(c -> Ping.ping(c, 1).next())).block(TIMEOUT)).isPositive();
    }

    Socket connect() throws IOException {
        InetSocketAddress address = server.listenAddresses().get(0).toInetSocketAddress().orElseThrow();
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** A socket past the HTTP upgrade (the server then speaks multistream-select; we read none of it). */
    Socket upgraded() throws IOException {
        Socket socket = connect();
        send(socket, upgradeRequest("/"));
        StringBuilder head = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101 Switching Protocols");
        return socket;
    }

    static String upgradeRequest(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    static String readToEnd(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** A client frame: FIN, {@code opcode}, masked with a random key (short payloads only). */
    static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] mask = new byte[4];
        new Random().nextBytes(mask);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        out.write(0x80 | payload.length);
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    /** Reads server frames (unmasked) until a close frame, and returns its status code. */
    static int closeCode(DataInputStream in) throws IOException {
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0f;
            long length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (opcode == 0x8) {
                return (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
            }
        }
    }
}
