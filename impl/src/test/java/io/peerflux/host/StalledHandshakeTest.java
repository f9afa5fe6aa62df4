package io.peerflux.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.Connection;
import io.peerflux.DialException;
import io.peerflux.HandshakeException;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.security.noise.Noise;
import io.peerflux.security.noise.NoiseConfig;
import io.peerflux.transport.tcp.Tcp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Signal;

/**
 * Handshakes that stall until the secure channel's timeout and the host's fire together (finding 5: about one in 300
 * logged an ERROR, "Operator called default onErrorDropped", as the loser's error had nowhere to go). Hundreds of
 * them, both ways, with both timeouts equal; no error may be dropped and nothing may be logged at ERROR.
 */
class StalledHandshakeTest {

    static final Duration HANDSHAKE = Duration.ofMillis(100);
    static final int STALLS = 400;

    final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream originalErr;
    Host host;

    @BeforeEach
    void start() {
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, stderr), true, StandardCharsets.UTF_8));
        Hooks.onErrorDropped(dropped::add);
        host = Peerflux.host()
                .transport(Tcp.create())
                .security(Noise.create(NoiseConfig.defaults().withHandshakeTimeout(HANDSHAKE)))
                .muxer(Yamux.create())
                .handshakeTimeout(HANDSHAKE)
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .build();
        host.start().block(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        host.stop().block(Duration.ofSeconds(10));
        Hooks.resetOnErrorDropped();
        System.setErr(originalErr);
    }

    void assertNothingDroppedOrLoggedAsError() {
        assertThat(dropped).isEmpty();
        assertThat(stderr.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(" ERROR ")))
                .isEmpty();
    }

    /** A length-prefixed multistream message. */
    static byte[] message(String line) {
        byte[] text = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[text.length + 1];
        out[0] = (byte) text.length;
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }

    static final byte[] NOISE_PROPOSAL = concat(message("/multistream/1.0.0"), message("/noise"));

    @Test
    void inboundHandshakesThatStallLogNoError() throws Exception {
        InetSocketAddress server = host.listenAddresses().get(0).toInetSocketAddress().orElseThrow();
        for (int batch = 0; batch < STALLS / 100; batch++) {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Socket socket = new Socket();
                socket.connect(server, 5000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(NOISE_PROPOSAL); // agreed, then not one Noise message
                sockets.add(socket);
            }
            for (Socket socket : sockets) {
                try (socket; InputStream in = socket.getInputStream()) {
                    in.readAllBytes(); // until the host closes it
                } catch (IOException e) {
                    // Reset by the host: closed all the same.
                }
            }
        }
        assertNothingDroppedOrLoggedAsError();
    }

    @Test
    void outboundHandshakesThatStallLogNoError() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                List<Socket> accepted = new ArrayList<>();
                try {
                    while (true) {
                        Socket socket = silent.accept();
                        socket.getOutputStream().write(NOISE_PROPOSAL); // answers "/noise", then stalls
                        accepted.add(socket);
                    }
                } catch (IOException e) {
                    accepted.forEach(s -> {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    });
                }
            });
            acceptor.start();
            Multiaddr address = Multiaddr.of("/ip4/127.0.0.1/tcp/" + silent.getLocalPort());
            List<Signal<Connection>> outcomes = Flux.range(0, STALLS)
                    .flatMap(i -> host.connect(address).materialize(), 100)
                    .collectList()
                    .block(Duration.ofSeconds(60));
            assertThat(outcomes).hasSize(STALLS).allSatisfy(o -> assertThat(o.getThrowable())
                    .isInstanceOf(DialException.class).hasCauseInstanceOf(HandshakeException.class));
        }
        assertNothingDroppedOrLoggedAsError();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Writes to two streams. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            synchronized (second) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            synchronized (second) {
                second.write(b, off, len);
            }
        }
    }
}
