package io.peerflux.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Two Yamux sessions on {@link EmbeddedChannel}s wired back to back: {@link #exchange()} moves what each wrote to
 * the other until both are quiet. Deterministic and single-threaded.
 */
final class YamuxPair implements AutoCloseable {

    final EmbeddedChannel clientChannel = new EmbeddedChannel();
    final EmbeddedChannel serverChannel = new EmbeddedChannel();
    final MuxerSession client;
    final MuxerSession server;
    final List<MuxedStream> clientInbound = new ArrayList<>();
    final List<MuxedStream> serverInbound = new ArrayList<>();

    YamuxPair() {
        this(RawPeer.FIXED_WINDOW, RawPeer.FIXED_WINDOW);
    }

    YamuxPair(YamuxConfig clientConfig, YamuxConfig serverConfig) {
        client = Yamux.create(clientConfig).start(clientChannel, true, clientInbound::add);
        server = Yamux.create(serverConfig).start(serverChannel, false, serverInbound::add);
    }

    /** Moves bytes both ways until neither side writes anything more. */
    void exchange() {
        while (move(clientChannel, serverChannel) | move(serverChannel, clientChannel)) {
            // keep going
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        Object msg;
        while ((msg = from.readOutbound()) != null) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        return moved;
    }

    MuxedStream openClientStream() {
        return client.openStream().block(Duration.ofSeconds(1));
    }

    static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        clientChannel.finishAndReleaseAll();
        serverChannel.finishAndReleaseAll();
    }
}
