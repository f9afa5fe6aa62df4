package io.peerflux.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * libp2p TLS between two peers over loopback TCP: authentication, ALPN muxers, and the ways it fails; on each TLS
 * engine, BoringSSL (the default where it loads) and the JDK's (the fallback).
 */
@ParameterizedClass
@EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
class TlsTest {

    private static final String YAMUX = "/yamux/1.0.0";
    private static final String MPLEX = "/mplex/6.7.0";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SslProvider provider;
    private final Loopback loopback = new Loopback();
    private final Tls tls;
    private final PrivateKey serverKey = PrivateKey.generateEd25519();
    private final PrivateKey clientKey = PrivateKey.generateEd25519();
    private final PeerId serverId = PeerId.fromPublicKey(serverKey.publicKey());
    private final PeerId clientId = PeerId.fromPublicKey(clientKey.publicKey());

    TlsTest(SslProvider provider) {
        this.provider = provider;
        this.tls = Tls.create(TlsConfig.defaults(), provider);
    }

    /** The JDK's words for a failure, or BoringSSL's. */
    private String reason(String jdk, String openSsl) {
        return provider == SslProvider.JDK ? jdk : openSsl;
    }

    @AfterEach
    void shutdown() {
        loopback.close();
    }

    private Loopback.Listener listen(Tls tls, List<String> muxers) throws InterruptedException {
        return loopback.listen(channel -> tls.secure(channel, false, serverKey, null, muxers));
    }

    private Loopback.Listener listen(List<String> muxers) throws InterruptedException {
        return listen(tls, muxers);
    }

    private CompletableFuture<SecureSession> dial(Loopback.Listener listener, PeerId expected, List<String> muxers)
            throws InterruptedException {
        Channel channel = loopback.connect(listener.address(), null);
        return tls.secure(channel, true, clientKey, expected, muxers).toFuture();
    }

    @Test
    void authenticatesBothSidesWithTls13AndLeavesOnlyTheSslHandler() throws Exception {
        Loopback.Listener listener = listen(List.of());
        Channel client = loopback.connect(listener.address(), null);
        SecureSession atClient = tls.secure(client, true, clientKey, serverId, List.of()).block(WAIT);
        Loopback.Accepted accepted = listener.next();
        SecureSession atServer = accepted.result().get(10, TimeUnit.SECONDS);

        assertThat(atClient).isEqualTo(new SecureSession(serverId, serverKey.publicKey(), null));
        assertThat(atServer).isEqualTo(new SecureSession(clientId, clientKey.publicKey(), null));
        for (Channel channel : List.of(client, accepted.channel())) {
            // Read on the event loop: the handshake handler removes itself in the task that completed the session.
            List<String> names = channel.eventLoop().submit(() -> channel.pipeline().names()).get(10, TimeUnit.SECONDS);
            assertThat(names).contains(Tls.SSL_NAME).doesNotContain(Tls.HANDSHAKE_NAME);
            SSLSession session = channel.pipeline().get(SslHandler.class).engine().getSession();
            assertThat(session.getClass().getName()).contains(provider == SslProvider.JDK ? "sun." : "OpenSsl");
            assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
            assertThat(session.getPeerCertificates()).hasSize(1);
            assertThat(((ExtendedSSLSession) session).getRequestedServerNames()).as("SNI").isEmpty();
            // The trust manager's verdict is kept in the session, so the certificate is checked once, not twice.
            assertThat(session.getValue(Libp2pTrustManager.REMOTE_HOST_KEY))
                    .isEqualTo(channel == client ? serverKey.publicKey() : clientKey.publicKey());
        }
    }

    @Test
    void keyTypesOtherThanEd25519Authenticate() throws Exception {
        Loopback.Listener listener = listen(List.of());
        for (PrivateKey key : List.of(PrivateKey.generateSecp256k1(), PrivateKey.generateEcdsaP256())) {
            // This thread, not an event loop, makes the certificate: secp256k1 signing may read OS entropy.
            Channel client = loopback.connect(listener.address(), null);
            SecureSession atClient = tls.secure(client, true, key, serverId, List.of()).block(WAIT);
            SecureSession atServer = listener.next().result().get(10, TimeUnit.SECONDS);

            assertThat(atClient.remotePeer()).isEqualTo(serverId);
            assertThat(atServer.remoteKey()).isEqualTo(key.publicKey());
            assertThat(atServer.remotePeer()).isEqualTo(PeerId.fromPublicKey(key.publicKey()));
        }
    }

    /** Client and server muxer offers (space-separated, "-" for none) and the muxer agreed in ALPN. */
    @ParameterizedTest
    @CsvSource({
            "/yamux/1.0.0 /mplex/6.7.0, /mplex/6.7.0 /yamux/1.0.0, /yamux/1.0.0",
            "/yamux/1.0.0 /mplex/6.7.0, /mplex/6.7.0, /mplex/6.7.0",
            "/yamux/1.0.0, /mplex/6.7.0, -",
            "/yamux/1.0.0, -, -",
            "-, /yamux/1.0.0, -"})
    void alpnAgreesOnTheClientsFirstMuxerTheServerSupports(String client, String server, String agreed)
            throws Exception {
        Loopback.Listener listener = listen(muxers(server));
        SecureSession atClient = dial(listener, serverId, muxers(client)).get(10, TimeUnit.SECONDS);
        SecureSession atServer = listener.next().result().get(10, TimeUnit.SECONDS);

        String expected = agreed.equals("-") ? null : agreed;
        assertThat(atClient.earlyMuxer()).isEqualTo(expected);
        assertThat(atServer.earlyMuxer()).isEqualTo(expected);
    }

    private static List<String> muxers(String spaceSeparated) {
        return spaceSeparated.equals("-") ? List.of() : List.of(spaceSeparated.split(" "));
    }

    /** Each engine's client and server with the other engine's, muxers in opposite orders: the client's wins. */
    @Test
    void talksToTheOtherEngineInBothDirections() throws Exception {
        Tls other = Tls.create(TlsConfig.defaults(),
                provider == SslProvider.JDK ? SslProvider.OPENSSL : SslProvider.JDK);
        Loopback.Listener otherListener = listen(other, List.of(MPLEX, YAMUX));
        SecureSession atClient = dial(otherListener, serverId, List.of(YAMUX, MPLEX)).get(10, TimeUnit.SECONDS);
        SecureSession atServer = otherListener.next().result().get(10, TimeUnit.SECONDS);
        assertThat(atClient).isEqualTo(new SecureSession(serverId, serverKey.publicKey(), YAMUX));
        assertThat(atServer).isEqualTo(new SecureSession(clientId, clientKey.publicKey(), YAMUX));

        Loopback.Listener listener = listen(List.of(MPLEX, YAMUX));
        Channel client = loopback.connect(listener.address(), null);
        atClient = other.secure(client, true, clientKey, serverId, List.of(YAMUX, MPLEX)).block(WAIT);
        atServer = listener.next().result().get(10, TimeUnit.SECONDS);
        assertThat(atClient).isEqualTo(new SecureSession(serverId, serverKey.publicKey(), YAMUX));
        assertThat(atServer).isEqualTo(new SecureSession(clientId, clientKey.publicKey(), YAMUX));
    }

    @Test
    void alpnIsTheMuxersThenLibp2p() {
        JdkTlsIdentity identity = (JdkTlsIdentity) TlsIdentity.create(clientKey, Libp2pCertificate.Randomness.DRBG,
                SslProvider.JDK);
        assertThat(identity.newEngine(true, List.of(YAMUX, MPLEX)).getSSLParameters().getApplicationProtocols())
                .containsExactly(YAMUX, MPLEX, Tls.ALPN_LIBP2P);
        assertThat(TlsIdentity.alpnOffer(List.of(YAMUX))).containsExactly(YAMUX, Tls.ALPN_LIBP2P);
        assertThat(TlsIdentity.select(List.of("h2", MPLEX, YAMUX, Tls.ALPN_LIBP2P), List.of(YAMUX, MPLEX)))
                .isEqualTo(MPLEX);
        assertThat(TlsIdentity.select(List.of("h2", Tls.ALPN_LIBP2P), List.of(YAMUX))).isEqualTo(Tls.ALPN_LIBP2P);
        assertThat(TlsIdentity.select(List.of("h2"), List.of(YAMUX))).isNull();
    }

    @Test
    void applicationDataSentTheMomentTheClientFinishesIsNotLost() throws Exception {
        int total = 1 << 20;
        byte[] sent = new byte[total];
        ThreadLocalRandom.current().nextBytes(sent);
        Collector collector = new Collector(total);
        Loopback.Listener listener = loopback.listen(channel -> tls.secure(channel, false, serverKey, null, List.of())
                .doOnNext(session -> channel.pipeline().addLast(collector)));
        Channel client = loopback.connect(listener.address(), null);
        tls.secure(client, true, clientKey, serverId, List.of())
                .doOnNext(session -> client.writeAndFlush(Unpooled.wrappedBuffer(sent)))
                .block(WAIT);

        assertThat(collector.done.get(10, TimeUnit.SECONDS)).isEqualTo(sent);
    }

    @Test
    void remoteOtherThanTheDialedPeerIsAMismatchAndTheListenerServesOn() throws Exception {
        Loopback.Listener listener = listen(List.of(YAMUX));
        PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        Channel client = loopback.connect(listener.address(), null);

        assertThatThrownBy(() -> tls.secure(client, true, clientKey, someoneElse, List.of(YAMUX)).block(WAIT))
                .isInstanceOf(HandshakeException.class)
                .hasMessage(HandshakeException.peerMismatch(someoneElse, serverId).getMessage());
        assertThat(client.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertServesAnotherConnection(listener);
    }

    @Test
    void clientCertificateWithoutTheLibp2pExtensionIsRejected() throws Exception {
        assertForgedClientRejected(CertificateForge.plain(), "lacks the libp2p public key extension");
    }

    @Test
    void clientCertificateSignedOverAnotherKeyIsRejected() throws Exception {
        assertForgedClientRejected(CertificateForge.plain()
                        .signedKey(clientKey, CertificateForge.newKeyPair().getPublic().getEncoded()),
                "does not cover the certificate key");
    }

    @Test
    void clientWithoutCertificateIsRejected() throws Exception {
        Loopback.Listener listener = listen(List.of());
        loopback.connect(listener.address(), ForgedPeer.client(null));

        Loopback.Accepted accepted = listener.next();
        assertFailed(accepted.result(), reason("Empty client certificate chain", "PEER_DID_NOT_RETURN_A_CERTIFICATE"));
        assertThat(accepted.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertServesAnotherConnection(listener);
    }

    @Test
    void tls12ClientIsRejected() throws Exception {
        Loopback.Listener listener = listen(List.of());
        loopback.connect(listener.address(), ForgedPeer.tls12Client(CertificateForge.libp2p(clientKey)));

        Loopback.Accepted accepted = listener.next();
        assertFailed(accepted.result(), reason("protocol", "UNSUPPORTED_PROTOCOL"));
        assertThat(accepted.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void serverCertificateWithoutTheLibp2pExtensionIsRejected() throws Exception {
        Channel server = loopback.listenRaw(ForgedPeer.server(CertificateForge.plain()));
        Channel client = loopback.connect(server.localAddress(), null);

        CompletableFuture<SecureSession> result = tls.secure(client, true, clientKey, null, List.of()).toFuture();
        assertFailed(result, "lacks the libp2p public key extension");
        assertThat(client.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void clientOfferingNoSupportedApplicationProtocolIsRejected() throws Exception {
        Loopback.Listener listener = listen(List.of(YAMUX));
        loopback.connect(listener.address(), ForgedPeer.client(CertificateForge.libp2p(clientKey), "h2", MPLEX));

        Loopback.Accepted accepted = listener.next();
        assertFailed(accepted.result(), reason("No matching application layer protocol",
                "no application protocol in common: the client offered [h2, /mplex/6.7.0]"));
        assertThat(accepted.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void honestForgedClientIsAccepted() throws Exception {
        // Guards the forged-client tests: the same client with a correct certificate and ALPN offer succeeds.
        Loopback.Listener listener = listen(List.of(YAMUX));
        loopback.connect(listener.address(), ForgedPeer.client(CertificateForge.libp2p(clientKey), YAMUX,
                Tls.ALPN_LIBP2P));

        assertThat(listener.next().result().get(10, TimeUnit.SECONDS))
                .isEqualTo(new SecureSession(clientId, clientKey.publicKey(), YAMUX));
    }

    @Test
    void certificatesWithEmptyNamesAsJsLibp2pMakesThemAreAccepted() throws Exception {
        Loopback.Listener listener = listen(List.of());
        loopback.connect(listener.address(), ForgedPeer.client(CertificateForge.libp2p(clientKey).withoutNames()));
        assertThat(listener.next().result().get(10, TimeUnit.SECONDS).remotePeer()).isEqualTo(clientId);

        Channel server = loopback.listenRaw(ForgedPeer.server(CertificateForge.libp2p(serverKey).withoutNames()));
        Channel client = loopback.connect(server.localAddress(), null);
        assertThat(tls.secure(client, true, clientKey, serverId, List.of()).block(WAIT).remotePeer())
                .isEqualTo(serverId);
    }

    @Test
    void garbageInsteadOfAClientHelloFailsAndCloses() throws Exception {
        Loopback.Listener listener = listen(List.of());
        Channel client = loopback.connect(listener.address(), null);
        client.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));

        Loopback.Accepted accepted = listener.next();
        assertFailed(accepted.result(), "not a TLS record");
        assertThat(accepted.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertServesAnotherConnection(listener);
    }

    @Test
    void silentServerTimesOut() throws Exception {
        Tls impatient = Tls.create(TlsConfig.defaults().withHandshakeTimeout(Duration.ofMillis(300)), provider);
        Channel silent = loopback.listenRaw(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        });
        Channel client = loopback.connect(silent.localAddress(), null);
        long start = System.nanoTime();

        CompletableFuture<SecureSession> result = impatient.secure(client, true, clientKey, null, List.of())
                .toFuture();
        Throwable failure = assertFailed(result, "timed out");
        assertThat(failure).hasMessage(HandshakeException.timeout(Duration.ofMillis(300)).getMessage());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(client.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void silentClientTimesOut() throws Exception {
        Tls impatient = Tls.create(TlsConfig.defaults().withHandshakeTimeout(Duration.ofMillis(300)), provider);
        Loopback.Listener listener = listen(impatient, List.of());
        loopback.connect(listener.address(), null);

        Loopback.Accepted accepted = listener.next();
        assertThat(assertFailed(accepted.result(), "timed out"))
                .hasMessage(HandshakeException.timeout(Duration.ofMillis(300)).getMessage());
        assertThat(accepted.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void remoteClosingMidHandshakeFails() throws Exception {
        Loopback.Listener listener = listen(List.of());
        Channel client = loopback.connect(listener.address(), null);
        client.close().sync();

        assertFailed(listener.next().result(), "");
    }

    @Test
    void closedChannelFailsAtOnce() throws Exception {
        Loopback.Listener listener = listen(List.of());
        Channel client = loopback.connect(listener.address(), null);
        client.close().sync();

        assertFailed(tls.secure(client, true, clientKey, null, List.of()).toFuture(), "closed before the handshake");
    }

    @Test
    void cancellingClosesTheChannel() throws Exception {
        Channel silent = loopback.listenRaw(new ChannelInboundHandlerAdapter());
        Channel client = loopback.connect(silent.localAddress(), null);
        tls.secure(client, true, clientKey, null, List.of()).subscribe().dispose();
        assertThat(client.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Not a benchmark: reports what a handshake costs here and which cipher suite the engine picks, and checks that
     * the certificate is made once per host key, so that later handshakes are much cheaper than the first.
     */
    @Test
    void handshakeCostAndCipherSuite() throws Exception {
        Tls fresh = Tls.create(TlsConfig.defaults(), provider);
        Loopback.Listener listener = loopback.listen(channel -> fresh.secure(channel, false, serverKey, null,
                List.of(YAMUX)));
        long firstStart = System.nanoTime();
        handshake(fresh, listener);
        long first = System.nanoTime() - firstStart;
        for (int i = 0; i < 50; i++) { // warm up
            handshake(fresh, listener);
        }
        int rounds = 100;
        long start = System.nanoTime();
        String suite = null;
        for (int i = 0; i < rounds; i++) {
            suite = handshake(fresh, listener);
        }
        double millis = (System.nanoTime() - start) / 1e6 / rounds;
        System.out.printf("TLS handshake (loopback, both sides in this JVM): first %.1f ms, then %.2f ms each;"
                + " %s, %s, JDK %s%n", first / 1e6, millis, suite, provider, Runtime.version());
        assertThat(suite).startsWith("TLS_");
    }

    private String handshake(Tls tls, Loopback.Listener listener) throws Exception {
        Channel client = loopback.connect(listener.address(), null);
        tls.secure(client, true, clientKey, serverId, List.of(YAMUX)).block(WAIT);
        listener.next().result().get(10, TimeUnit.SECONDS);
        String suite = client.pipeline().get(SslHandler.class).engine().getSession().getCipherSuite();
        client.close().sync();
        return suite;
    }

    // ---- helpers ----

    private void assertForgedClientRejected(CertificateForge forge, String reason) throws Exception {
        Loopback.Listener listener = listen(List.of());
        loopback.connect(listener.address(), ForgedPeer.client(forge));

        Loopback.Accepted accepted = listener.next();
        assertFailed(accepted.result(), reason);
        assertThat(accepted.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertServesAnotherConnection(listener);
    }

    private void assertServesAnotherConnection(Loopback.Listener listener) throws Exception {
        CompletableFuture<SecureSession> again = dial(listener, serverId, List.of());
        assertThat(again.get(10, TimeUnit.SECONDS).remotePeer()).isEqualTo(serverId);
        Loopback.Accepted accepted;
        do { // skip connections that failed before
            accepted = listener.next();
        } while (accepted.result().isCompletedExceptionally());
        assertThat(accepted.result().get(10, TimeUnit.SECONDS).remotePeer()).isEqualTo(clientId);
    }

    private static Throwable assertFailed(Future<SecureSession> result, String reason) {
        Throwable failure;
        try {
            result.get(10, TimeUnit.SECONDS);
            throw new AssertionError("the handshake succeeded");
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(failure).isInstanceOf(HandshakeException.class).hasMessageContaining(reason);
        return failure;
    }

    /** Gathers {@code expected} plaintext bytes on the event loop, reading as fast as they come. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final ByteBuf received = Unpooled.buffer();
        private final int expected;
        final CompletableFuture<byte[]> done = new CompletableFuture<>();

        Collector(int expected) {
            this.expected = expected;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            received.writeBytes(data);
            data.release();
            if (received.readableBytes() >= expected) {
                done.complete(ByteBufUtil.getBytes(received));
                received.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.read();
        }
    }
}
