package io.peerflux.security.plaintext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.HandshakeException;
import io.peerflux.Host;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiformats.Varint;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.peer.PeerId;
import io.peerflux.protocol.echo.Echo;
import io.peerflux.security.SecureSession;
import io.peerflux.security.plaintext.pb.PlaintextProtos.Exchange;
import io.peerflux.testing.TestHosts;
import io.peerflux.transport.tcp.Tcp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The plaintext exchange between in-process peers, its checks, and a host that uses it. */
class PlaintextTest {

    private static final Plaintext PLAINTEXT = Plaintext.create();
    private static final PrivateKey DIALER = PrivateKey.generateEd25519();
    private static final PrivateKey LISTENER = PrivateKey.generateSecp256k1();

    @Test
    void bothSidesLearnTheOtherAndLaterBytesPassThrough() throws Exception {
        EmbeddedChannel dialer = new EmbeddedChannel();
        EmbeddedChannel listener = new EmbeddedChannel();
        try {
            CompletableFuture<SecureSession> dialed = PLAINTEXT.secure(dialer, true, DIALER,
                    PeerId.fromPublicKey(LISTENER.publicKey()), List.of("/yamux/1.0.0")).toFuture();
            CompletableFuture<SecureSession> accepted = PLAINTEXT.secure(listener, false, LISTENER, null, List.of())
                    .toFuture();
            // The dialer's message arrives with application bytes right behind it, in one read.
            ByteBuf fromDialer = Unpooled.wrappedBuffer(drain(dialer), Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
            listener.writeInbound(fromDialer);
            dialer.writeInbound(Unpooled.wrappedBuffer(drain(listener)));

            assertThat(dialed.get(1, TimeUnit.SECONDS).remotePeer()).isEqualTo(PeerId.fromPublicKey(LISTENER.publicKey()));
            assertThat(dialed.get().remoteKey()).isEqualTo(LISTENER.publicKey());
            assertThat(dialed.get().earlyMuxer()).isNull();
            assertThat(accepted.get(1, TimeUnit.SECONDS).remotePeer()).isEqualTo(PeerId.fromPublicKey(DIALER.publicKey()));
            ByteBuf passed = listener.readInbound();
            assertThat(passed.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
            passed.release();
            assertThat(listener.pipeline().get(Plaintext.HANDSHAKE_NAME)).isNull();
        } finally {
            dialer.finishAndReleaseAll();
            listener.finishAndReleaseAll();
        }
    }

    @Test
    void messageSplitAcrossReadsIsReassembled() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            CompletableFuture<SecureSession> result = PLAINTEXT.secure(channel, false, LISTENER, null, List.of())
                    .toFuture();
            byte[] message = frame(exchange(DIALER));
            for (byte b : message) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
            assertThat(result.get(1, TimeUnit.SECONDS).remotePeer()).isEqualTo(PeerId.fromPublicKey(DIALER.publicKey()));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void dialerRejectsAnotherPeerThanTheOneDialed() {
        Exchange other = exchange(PrivateKey.generateEd25519());
        assertFails(true, PeerId.fromPublicKey(LISTENER.publicKey()), frame(other), "expected");
    }

    @Test
    void idThatIsNotTheKeysHashIsRejected() {
        Exchange forged = exchange(DIALER).toBuilder()
                .setId(ByteString.copyFrom(PeerId.fromPublicKey(LISTENER.publicKey()).bytes())).build();
        assertFails(false, null, frame(forged), "does not belong");
    }

    @Test
    void messageWithoutKeyIsRejected() {
        Exchange noKey = exchange(DIALER).toBuilder().clearPubkey().build();
        assertFails(false, null, frame(noKey), "lacks");
    }

    @Test
    void oversizedLengthIsRejectedBeforeTheBytesArrive() {
        ByteBuf length = Unpooled.buffer();
        Varint.write(PlaintextHandshakeHandler.MAX_EXCHANGE_SIZE + 1, length);
        assertFails(false, null, ByteBufUtil.getBytes(length), "exceeds");
    }

    @Test
    void closingDuringTheExchangeFails() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        CompletableFuture<SecureSession> result = PLAINTEXT.secure(channel, false, LISTENER, null, List.of())
                .toFuture();
        channel.finishAndReleaseAll();
        assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(HandshakeException.class);
    }

    /** Whatever the remote sends, the exchange succeeds, waits for more, or fails with a typed error and closes. */
    @Property(tries = 500)
    void randomBytesFailTyped(@ForAll @Size(max = 4) List<@Size(max = 200) byte[]> reads) {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            CompletableFuture<SecureSession> result = PLAINTEXT.secure(channel, false, LISTENER, null, List.of())
                    .toFuture();
            for (byte[] read : reads) {
                if (channel.isOpen()) {
                    channel.writeInbound(Unpooled.wrappedBuffer(read));
                }
            }
            if (result.isCompletedExceptionally()) {
                assertThatThrownBy(result::get).hasCauseInstanceOf(HandshakeException.class);
                assertThat(channel.isOpen()).isFalse();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void hostsConnectAndEchoOverPlaintext() {
        Host server = plaintextHost();
        Host client = plaintextHost();
        try {
            String echoed = client.newStream(TestHosts.address(server), Echo.PROTOCOL_ID)
                    .flatMap(s -> s.send(Mono.just(Unpooled.copiedBuffer("plain", StandardCharsets.UTF_8)))
                            .then(s.closeWrite())
                            .then(s.receive().map(b -> b.toString(StandardCharsets.UTF_8)).reduce(String::concat)))
                    .block(Duration.ofSeconds(10));
            assertThat(echoed).isEqualTo("plain");
            assertThat(client.connections().get(0).security()).isEqualTo(Plaintext.PROTOCOL_ID);
        } finally {
            client.stop().block(Duration.ofSeconds(5));
            server.stop().block(Duration.ofSeconds(5));
        }
    }

    private static Host plaintextHost() {
        Host host = Peerflux.host()
                .transport(Tcp.create())
                .security(PLAINTEXT)
                .muxer(Yamux.create())
                .handle(Echo.PROTOCOL_ID, Echo.handler())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .build();
        host.start().block(Duration.ofSeconds(10));
        return host;
    }

    private static void assertFails(boolean initiator, PeerId expected, byte[] inbound, String messagePart) {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            CompletableFuture<SecureSession> result = PLAINTEXT.secure(channel, initiator, DIALER, expected, List.of())
                    .toFuture();
            channel.writeInbound(Unpooled.wrappedBuffer(inbound));
            assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(HandshakeException.class).hasMessageContaining(messagePart);
            assertThat(channel.isOpen()).isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static Exchange exchange(PrivateKey key) {
        return Exchange.newBuilder()
                .setId(ByteString.copyFrom(PeerId.fromPublicKey(key.publicKey()).bytes()))
                .setPubkey(ByteString.copyFrom(key.publicKey().marshal()))
                .build();
    }

    private static byte[] frame(Exchange exchange) {
        byte[] message = exchange.toByteArray();
        ByteBuf out = Unpooled.buffer();
        Varint.write(message.length, out);
        out.writeBytes(message);
        return ByteBufUtil.getBytes(out);
    }

    private static ByteBuf drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            all.writeBytes(buf);
            buf.release();
        }
        return all;
    }
}
