package io.peerflux.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** One side of a connection on an {@link EmbeddedChannel}; {@link #exchange} carries bytes between two of them. */
final class EmbeddedPeer {

    final PrivateKey identity = PrivateKey.generateEd25519();
    final EmbeddedChannel channel = new EmbeddedChannel();
    CompletableFuture<SecureSession> result;

    private EmbeddedPeer() {
    }

    static EmbeddedPeer create() {
        return new EmbeddedPeer();
    }

    PeerId peerId() {
        return PeerId.fromPublicKey(identity.publicKey());
    }

    EmbeddedPeer secure(Noise noise, boolean initiator, PeerId expected, List<String> muxers) {
        return secure(noise, initiator, expected, muxers, session -> { });
    }

    /** Starts the handshake; {@code onSuccess} runs synchronously on the (embedded) event loop. */
    EmbeddedPeer secure(Noise noise, boolean initiator, PeerId expected, List<String> muxers,
                        Consumer<SecureSession> onSuccess) {
        result = noise.secure(channel, initiator, identity, expected, muxers).doOnNext(onSuccess).toFuture();
        return this;
    }

    /** Moves everything written on each side to the other until neither has more to say. */
    static void exchange(EmbeddedPeer a, EmbeddedPeer b) {
        boolean moved;
        do {
            moved = deliver(a, b) | deliver(b, a);
        } while (moved);
    }

    /** Writes each outbound buffer of {@code from} into {@code to} as a separate read; true if any moved. */
    static boolean deliver(EmbeddedPeer from, EmbeddedPeer to) {
        boolean moved = false;
        for (ByteBuf buf; (buf = from.channel.readOutbound()) != null; ) {
            moved = true;
            receive(to, buf);
        }
        return moved;
    }

    /** All outbound bytes of this side, concatenated (as they would arrive in one TCP read). */
    ByteBuf drainOutbound() {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            all.writeBytes(buf);
            buf.release();
        }
        return all;
    }

    static void receive(EmbeddedPeer to, ByteBuf buf) {
        if (to.channel.isOpen()) {
            to.channel.writeInbound(buf);
        } else {
            buf.release();
        }
    }

    /** Releases everything left in the channel's queues and closes it. */
    void finish() {
        channel.finishAndReleaseAll();
    }
}
