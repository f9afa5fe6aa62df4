package io.peerflux.security.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.HandshakeException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.security.SecureSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.assertj.core.api.Assertions;

/** Whatever a remote sends, Noise fails with a typed error, closes, and leaks nothing. */
class NoiseFuzzTest {

    private static final Noise NOISE = Noise.create();
    private static final PrivateKey IDENTITY = PrivateKey.generateEd25519();

    @Property(tries = 300)
    void randomReadsIntoAResponder(@ForAll @Size(max = 6) List<@Size(max = 300) byte[]> reads) {
        assertHandshakeFails(false, reads, false);
    }

    @Property(tries = 300)
    void randomFramesIntoAResponder(@ForAll @Size(max = 4) List<@Size(max = 300) byte[]> messages) {
        assertHandshakeFails(false, messages, true);
    }

    @Property(tries = 300)
    void randomFramesIntoAnInitiator(@ForAll @Size(max = 4) List<@Size(max = 300) byte[]> messages) {
        assertHandshakeFails(true, messages, true);
    }

    /** Message 2 that authenticates, carrying arbitrary bytes where the signed payload belongs. */
    @Property(tries = 300)
    void randomPayloadFromAnAuthenticResponder(@ForAll @Size(max = 500) byte[] payload) {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            CompletableFuture<SecureSession> result = NOISE.secure(channel, true, IDENTITY, null, List.of()).toFuture();
            NoiseHandshake responder = new NoiseHandshake(false, new byte[0], NoiseTest.random(32),
                    NoiseTest.random(32));
            ByteBuf first = channel.readOutbound();
            responder.readMessage(NoiseTest.bytes(first.skipBytes(2)));
            first.release();
            channel.writeInbound(NoiseTest.frame(responder.writeMessage(payload)));

            assertFailedAndClosed(channel, result);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Property(tries = 300)
    void randomBytesIntoTheTransportDecoder(@ForAll @Size(max = 6) List<@Size(max = 300) byte[]> reads) {
        EmbeddedChannel channel = new EmbeddedChannel(new NoiseTransportDecoder(new CipherState(new byte[32])));
        try {
            for (byte[] read : reads) {
                if (!channel.isOpen()) {
                    break;
                }
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(read));
                } catch (ProtocolViolationException expected) {
                    assertThat(channel.isOpen()).isFalse();
                }
            }
            assertThat((Object) channel.readInbound()).as("nothing random authenticates").isNull();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void assertHandshakeFails(boolean initiator, List<byte[]> chunks, boolean framed) {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            CompletableFuture<SecureSession> result =
                    NOISE.secure(channel, initiator, IDENTITY, null, List.of("/yamux/1.0.0")).toFuture();
            for (byte[] chunk : chunks) {
                ByteBuf read = framed ? NoiseTest.frame(chunk) : Unpooled.wrappedBuffer(chunk);
                if (channel.isOpen()) {
                    channel.writeInbound(read); // EmbeddedChannel would rethrow anything that escaped
                } else {
                    read.release();
                }
            }
            channel.close();
            assertFailedAndClosed(channel, result);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void assertFailedAndClosed(EmbeddedChannel channel, CompletableFuture<SecureSession> result) {
        assertThat(result).isCompletedExceptionally();
        Throwable failure = Assertions.catchThrowable(result::get);
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(HandshakeException.class);
        assertThat(channel.isOpen()).isFalse();
    }
}
