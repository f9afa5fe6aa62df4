package io.peerflux.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two mplex sessions on {@link EmbeddedChannel}s wired back to back: {@link #exchange()} moves what each wrote to
 * the other until both are quiet. Like a socket, the wire holds what a side does not read while its
 * {@code autoRead} is off; {@link #ignoreAutoRead} turns it into a transport that delivers regardless. Time is
 * frozen and moves only by {@link #advance}. Deterministic and single-threaded.
 */
final class MplexPair implements AutoCloseable {

    final EmbeddedChannel clientChannel = new EmbeddedChannel();
    final EmbeddedChannel serverChannel = new EmbeddedChannel();
    final MuxerSession client;
    final MuxerSession server;
    final List<MuxedStream> clientInbound = new ArrayList<>();
    final List<MuxedStream> serverInbound = new ArrayList<>();
    private final ArrayDeque<Object> toClient = new ArrayDeque<>();
    private final ArrayDeque<Object> toServer = new ArrayDeque<>();
    boolean ignoreAutoRead;

    MplexPair() {
        this(MplexConfig.defaults(), MplexConfig.defaults());
    }

    MplexPair(MplexConfig clientConfig, MplexConfig serverConfig) {
        clientChannel.freezeTime();
        serverChannel.freezeTime();
        client = Mplex.create(clientConfig).start(clientChannel, true, clientInbound::add);
        server = Mplex.create(serverConfig).start(serverChannel, false, serverInbound::add);
    }

    /** Moves messages both ways until neither side writes or reads anything more. */
    void exchange() {
        while (move(clientChannel, toServer, serverChannel) | move(serverChannel, toClient, clientChannel)) {
            // keep going
        }
    }

    /** How many bytes wait on the wire for a side that is not reading. */
    long onTheWireToServer() {
        return toServer.stream().mapToLong(m -> ((ByteBuf) m).readableBytes()).sum();
    }

    /** Advances both sides' clocks and runs what became due. */
    void advance(Duration time) {
        clientChannel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        serverChannel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        clientChannel.runScheduledPendingTasks();
        serverChannel.runScheduledPendingTasks();
    }

    private boolean move(EmbeddedChannel from, ArrayDeque<Object> wire, EmbeddedChannel to) {
        boolean moved = false;
        from.runPendingTasks();
        to.runPendingTasks();
        Object msg;
        while ((msg = from.readOutbound()) != null) {
            wire.add(msg);
        }
        while (!wire.isEmpty() && (ignoreAutoRead || to.config().isAutoRead() || !to.isOpen())) {
            moved = true;
            msg = wire.poll();
            if (to.isOpen()) {
                to.writeInbound(msg);
                to.runPendingTasks();
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
        toClient.forEach(ReferenceCountUtil::release);
        toServer.forEach(ReferenceCountUtil::release);
        clientChannel.finishAndReleaseAll();
        serverChannel.finishAndReleaseAll();
    }
}
