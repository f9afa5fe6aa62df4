package io.peerflux.security.noise;

import static io.peerflux.security.noise.EmbeddedPeer.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.security.noise.pb.NoiseProtos.NoiseExtensions;
import io.peerflux.security.noise.pb.NoiseProtos.NoiseHandshakePayload;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The libp2p Noise handshake between two in-process peers: authentication, early muxers, and its failures. */
class NoiseTest {

    private static final String YAMUX = "/yamux/1.0.0";
    private static final String MPLEX = "/mplex/6.7.0";

    private final Noise noise = Noise.create();
    private final EmbeddedPeer dialer = EmbeddedPeer.create();
    private final EmbeddedPeer listener = EmbeddedPeer.create();

    @AfterEach
    void finish() {
        dialer.finish();
        listener.finish();
    }

    @Test
    void authenticatesBothSidesAndInstallsTheTransport() throws Exception {
        dialer.secure(noise, true, listener.peerId(), List.of());
        listener.secure(noise, false, null, List.of());
        exchange(dialer, listener);

        SecureSession atDialer = dialer.result.getNow(null);
        SecureSession atListener = listener.result.getNow(null);
        assertThat(atDialer).isEqualTo(new SecureSession(listener.peerId(), listener.identity.publicKey(), null));
        assertThat(atListener).isEqualTo(new SecureSession(dialer.peerId(), dialer.identity.publicKey(), null));
        for (EmbeddedPeer peer : List.of(dialer, listener)) {
            assertThat(peer.channel.pipeline().names())
                    .doesNotContain(Noise.HANDSHAKE_NAME)
                    .containsSubsequence(Noise.DECODER_NAME, Noise.ENCODER_NAME);
        }
    }

    @Test
    void oneNoiseServesManyIdentitiesWithFreshEphemeralKeys() {
        // One Noise instance keeps its static key and caches its signed payload: a second identity (or muxer list)
        // must be signed anew, and every handshake still opens with a fresh ephemeral key.
        Noise shared = Noise.create();
        List<ByteBuf> firstMessages = new java.util.ArrayList<>();
        for (List<String> muxers : List.of(List.of(YAMUX), List.of(YAMUX), List.of(MPLEX))) {
            for (int i = 0; i < 2; i++) {
                EmbeddedPeer from = EmbeddedPeer.create();
                EmbeddedPeer to = EmbeddedPeer.create();
                from.secure(shared, true, to.peerId(), muxers);
                to.secure(shared, false, null, muxers);
                ByteBuf first = from.channel.readOutbound();
                firstMessages.add(first.copy());
                EmbeddedPeer.receive(to, first);
                exchange(from, to);
                assertThat(to.result.getNow(null).remotePeer()).isEqualTo(from.peerId());
                assertThat(from.result.getNow(null).remotePeer()).isEqualTo(to.peerId());
                assertThat(from.result.getNow(null).earlyMuxer()).isEqualTo(muxers.get(0));
                from.finish();
                to.finish();
            }
        }
        assertThat(firstMessages).doesNotHaveDuplicates();
        firstMessages.forEach(ByteBuf::release);
    }

    @Test
    void handshakeIsThreeLengthPrefixedMessages() {
        dialer.secure(noise, true, null, List.of());
        listener.secure(noise, false, null, List.of());

        ByteBuf first = dialer.channel.readOutbound();
        assertThat(first.readableBytes()).isEqualTo(2 + 32);
        assertThat(first.getUnsignedShort(0)).isEqualTo(32);
        EmbeddedPeer.receive(listener, first);
        ByteBuf second = listener.channel.readOutbound();
        assertThat(second.getUnsignedShort(0)).isEqualTo(second.readableBytes() - 2);
        EmbeddedPeer.receive(dialer, second);
        ByteBuf third = dialer.channel.readOutbound();
        assertThat(third.getUnsignedShort(0)).isEqualTo(third.readableBytes() - 2);
        EmbeddedPeer.receive(listener, third);

        assertThat(dialer.result).isCompleted();
        assertThat(listener.result).isCompleted();
    }

    @Test
    void earlyMuxerIsTheInitiatorsFirstChoiceTheResponderSupports() {
        // The example of connections/inlined-muxer-negotiation.md: the client prefers yamux, the server mplex.
        dialer.secure(noise, true, null, List.of(YAMUX, MPLEX));
        listener.secure(noise, false, null, List.of(MPLEX, YAMUX));
        exchange(dialer, listener);

        assertThat(dialer.result.getNow(null).earlyMuxer()).isEqualTo(YAMUX);
        assertThat(listener.result.getNow(null).earlyMuxer()).isEqualTo(YAMUX);
    }

    @Test
    void earlyMuxerSkipsWhatTheResponderLacks() {
        dialer.secure(noise, true, null, List.of(YAMUX, MPLEX));
        listener.secure(noise, false, null, List.of(MPLEX));
        exchange(dialer, listener);

        assertThat(dialer.result.getNow(null).earlyMuxer()).isEqualTo(MPLEX);
        assertThat(listener.result.getNow(null).earlyMuxer()).isEqualTo(MPLEX);
    }

    @Test
    void noEarlyMuxerWhenOneSideOffersNone() {
        dialer.secure(noise, true, null, List.of(YAMUX));
        listener.secure(noise, false, null, List.of());
        exchange(dialer, listener);

        assertThat(dialer.result.getNow(null).earlyMuxer()).isNull();
        assertThat(listener.result.getNow(null).earlyMuxer()).isNull();
    }

    @Test
    void disjointMuxerOffersFailTheInitiatorBeforeItsLastMessage() {
        dialer.secure(noise, true, null, List.of(YAMUX));
        listener.secure(noise, false, null, List.of(MPLEX));
        exchange(dialer, listener);

        assertHandshakeFailed(dialer);
        assertThat(listener.result).isNotDone(); // until it sees the connection close
    }

    @Test
    void disjointMuxerOffersFailTheResponder() {
        listener.secure(noise, false, null, List.of(MPLEX));
        PrivateKey identity = PrivateKey.generateEd25519();
        NoiseHandshake initiator = new NoiseHandshake(true, new byte[0], random(32), random(32));
        listener.channel.writeInbound(frame(initiator.writeMessage(new byte[0])));
        ByteBuf second = listener.channel.readOutbound();
        initiator.readMessage(bytes(second.skipBytes(2)));
        second.release();
        byte[] payload = NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
                .setIdentitySig(ByteString.copyFrom(identity.sign(signed(initiator.localStaticPublicKey()))))
                .setExtensions(NoiseExtensions.newBuilder().addStreamMuxers(YAMUX))
                .build().toByteArray();
        listener.channel.writeInbound(frame(initiator.writeMessage(payload)));

        assertHandshakeFailed(listener);
    }

    @Test
    void remoteOtherThanTheDialedPeerIsAMismatch() {
        PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        dialer.secure(noise, true, someoneElse, List.of());
        listener.secure(noise, false, null, List.of());
        exchange(dialer, listener);

        Throwable failure = assertHandshakeFailed(dialer);
        assertThat(failure).hasMessage(HandshakeException.peerMismatch(someoneElse, listener.peerId()).getMessage());
        assertThat(listener.result).isNotDone(); // the dialer never sent message 3; the listener times out or sees EOF
        listener.channel.close();
        assertHandshakeFailed(listener);
    }

    @Test
    void tamperedHandshakeMessageFails() {
        dialer.secure(noise, true, null, List.of());
        listener.secure(noise, false, null, List.of());
        EmbeddedPeer.deliver(dialer, listener);
        ByteBuf second = listener.channel.readOutbound();
        second.setByte(second.readableBytes() - 1, second.getByte(second.readableBytes() - 1) ^ 0x80);
        EmbeddedPeer.receive(dialer, second);

        assertHandshakeFailed(dialer);
    }

    @Test
    void signatureOverAnotherStaticKeyIsRejected() {
        PrivateKey liar = PrivateKey.generateEd25519();
        byte[] otherStaticKey = new NoiseHandshake(false, new byte[0], random(32), random(32)).localStaticPublicKey();
        assertForgedResponderRejected(handshake -> payload(liar, liar.sign(signed(otherStaticKey))));
    }

    @Test
    void signatureByAnotherIdentityIsRejected() {
        PrivateKey presented = PrivateKey.generateEd25519();
        PrivateKey signer = PrivateKey.generateEd25519();
        assertForgedResponderRejected(handshake -> payload(presented, signer.sign(signed(handshake.localStaticPublicKey()))));
    }

    @Test
    void malformedPayloadsAreRejected() {
        assertForgedResponderRejected(handshake -> new byte[] {(byte) 0xff, 0x01});
        assertForgedResponderRejected(handshake -> NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFromUtf8("not a key")).build().toByteArray());
        assertForgedResponderRejected(handshake -> new byte[0]);
    }

    @Test
    void honestManualResponderIsAccepted() {
        // Guards the forged-responder tests: the same manual responder with a correct payload succeeds.
        PrivateKey identity = PrivateKey.generateEd25519();
        CompletableFuture<SecureSession> result =
                runManualResponder(handshake -> payload(identity, identity.sign(signed(handshake.localStaticPublicKey()))));
        assertThat(result.getNow(null).remotePeer()).isEqualTo(PeerId.fromPublicKey(identity.publicKey()));
    }

    @Test
    void timesOut() {
        Noise impatient = Noise.create(NoiseConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(3)));
        listener.channel.freezeTime();
        listener.secure(impatient, false, null, List.of());
        listener.channel.advanceTimeBy(2999, TimeUnit.MILLISECONDS);
        listener.channel.runScheduledPendingTasks();
        assertThat(listener.result).isNotDone();

        listener.channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.channel.runScheduledPendingTasks();
        Throwable failure = assertHandshakeFailed(listener);
        assertThat(failure).hasMessage(HandshakeException.timeout(Duration.ofSeconds(3)).getMessage());
    }

    @Test
    void garbageFailsTheResponder() {
        listener.secure(noise, false, null, List.of());
        listener.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 5, 1, 2, 3, 4, 5}));
        assertHandshakeFailed(listener);
    }

    @Test
    void truncatedMessageThenEofFails() {
        listener.secure(noise, false, null, List.of());
        listener.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 32, 1, 2, 3}));
        assertThat(listener.result).isNotDone();
        listener.channel.close();
        assertHandshakeFailed(listener);
    }

    @Test
    void largestHandshakeMessageIsReadButItsUnauthenticatedPayloadIgnored() {
        listener.secure(noise, false, null, List.of());
        byte[] first = new NoiseHandshake(true, new byte[0], random(32), random(32))
                .writeMessage(new byte[NoiseHandshake.MAX_MESSAGE_LENGTH - 32]);
        assertThat(first).hasSize(NoiseHandshake.MAX_MESSAGE_LENGTH);
        listener.channel.writeInbound(frame(first));

        ByteBuf second = listener.channel.readOutbound();
        assertThat(second).isNotNull();
        second.release();
        assertThat(listener.result).isNotDone();
    }

    @Test
    void remoteHalfCloseFails() {
        listener.secure(noise, false, null, List.of());
        listener.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertHandshakeFailed(listener);
    }

    @Test
    void closedChannelFailsAtOnce() {
        listener.channel.close();
        listener.secure(noise, false, null, List.of());
        assertHandshakeFailed(listener);
    }

    @Test
    void cancellingClosesTheChannel() {
        noise.secure(listener.channel, false, listener.identity, null, List.of()).subscribe().dispose();
        assertThat(listener.channel.isOpen()).isFalse();
    }

    /** Runs a real dialer against a responder built from {@link NoiseHandshake} with the given payload. */
    private CompletableFuture<SecureSession> runManualResponder(
            java.util.function.Function<NoiseHandshake, byte[]> payload) {
        dialer.secure(noise, true, null, List.of());
        NoiseHandshake responder = new NoiseHandshake(false, new byte[0], random(32), random(32));
        ByteBuf first = dialer.channel.readOutbound();
        responder.readMessage(bytes(first.skipBytes(2)));
        first.release();
        byte[] second = responder.writeMessage(payload.apply(responder));
        dialer.channel.writeInbound(frame(second));
        return dialer.result;
    }

    private void assertForgedResponderRejected(java.util.function.Function<NoiseHandshake, byte[]> payload) {
        EmbeddedPeer fresh = EmbeddedPeer.create();
        try {
            fresh.secure(noise, true, null, List.of());
            NoiseHandshake responder = new NoiseHandshake(false, new byte[0], random(32), random(32));
            ByteBuf first = fresh.channel.readOutbound();
            responder.readMessage(bytes(first.skipBytes(2)));
            first.release();
            byte[] second = responder.writeMessage(payload.apply(responder));
            fresh.channel.writeInbound(frame(second));
            assertHandshakeFailed(fresh);
        } finally {
            fresh.finish();
        }
    }

    static Throwable assertHandshakeFailed(EmbeddedPeer peer) {
        assertThat(peer.result).isCompletedExceptionally();
        ThrowableAssert.ThrowingCallable get = () -> peer.result.get();
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(get);
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(HandshakeException.class);
        assertThat(peer.channel.isOpen()).as("channel closed").isFalse();
        return failure.getCause();
    }

    private static byte[] payload(PrivateKey identity, byte[] signature) {
        return NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
                .setIdentitySig(ByteString.copyFrom(signature))
                .build().toByteArray();
    }

    private static byte[] signed(byte[] staticKey) {
        byte[] prefix = "noise-libp2p-static-key:".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[prefix.length + staticKey.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(staticKey, 0, out, prefix.length, staticKey.length);
        return out;
    }

    static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    static ByteBuf frame(byte[] message) {
        return Unpooled.buffer().writeShort(message.length).writeBytes(message);
    }

    static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }
}
