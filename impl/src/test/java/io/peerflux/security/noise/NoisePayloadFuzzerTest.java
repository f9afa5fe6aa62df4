package io.peerflux.security.noise;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import io.peerflux.crypto.KeyType;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Jazzer fuzz target: the libp2p handshake payload an initiator reads from Noise message 2, sent by a responder
 * that completes the Noise handshake itself correctly, so the input reaches the payload decoder (protobuf, identity
 * key, signature, muxer list). The handshake either succeeds for the peer whose key the payload carries, or fails
 * with a {@link HandshakeException} and closes the channel. See docs/fuzzing.md.
 */
class NoisePayloadFuzzerTest {

    private static final Noise NOISE = Noise.create();
    private static final PrivateKey INITIATOR = PrivateKey.generateEd25519();
    /** The responder's fixed Noise keys, which the seed payloads sign (see FuzzSeedsTest). */
    static final byte[] RESPONDER_STATIC = HexFormat.of().parseHex(
            "a8abababababababababababababababababababababababababababababab6b");
    private static final byte[] RESPONDER_EPHEMERAL = HexFormat.of().parseHex(
            "b8cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd4d");

    @FuzzTest
    void fuzz(byte[] payload) throws InterruptedException {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            CompletableFuture<SecureSession> result =
                    NOISE.secure(channel, true, INITIATOR, null, List.of("/yamux/1.0.0")).toFuture();
            NoiseHandshake responder = new NoiseHandshake(false, new byte[0], RESPONDER_STATIC, RESPONDER_EPHEMERAL);
            ByteBuf first = channel.readOutbound();
            responder.readMessage(NoiseTest.bytes(first.skipBytes(2)));
            first.release();
            channel.writeInbound(NoiseTest.frame(responder.writeMessage(payload)));

            assertThat(result).isDone();
            try {
                SecureSession session = result.get();
                PublicKey key = session.remoteKey();
                assertThat(session.remotePeer()).isEqualTo(PeerId.fromPublicKey(key));
                assertThat(channel.isOpen()).isTrue();
            } catch (ExecutionException failed) {
                assertThat(failed.getCause()).isInstanceOf(HandshakeException.class);
                assertThat(channel.isOpen()).isFalse();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        byte[] responderStatic = new NoiseHandshake(false, new byte[0], RESPONDER_STATIC, RESPONDER_EPHEMERAL)
                .localStaticPublicKey();
        for (PrivateKey identity : new PrivateKey[] {PrivateKey.generateEd25519(), PrivateKey.generateSecp256k1(),
                PrivateKey.generateEcdsaP256()}) {
            KeyType type = identity.type();
            seeds.addVarying(target, type.name().toLowerCase(java.util.Locale.ROOT),
                    NoiseHandshakeHandler.payload(identity, responderStatic, List.of("/yamux/1.0.0", "/mplex/6.7.0")));
        }
        seeds.addVarying(target, "no-muxers",
                NoiseHandshakeHandler.payload(PrivateKey.generateEd25519(), responderStatic, List.of()));
        seeds.verifyOrWrite();
    }
}
