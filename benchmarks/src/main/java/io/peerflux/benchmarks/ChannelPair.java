package io.peerflux.benchmarks;

import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Two {@link EmbeddedChannel}s wired back to back with no socket in between: what one side writes and flushes
 * becomes the other side's inbound, when {@link #shuttle()} moves it. Lets a codec or protocol be measured without
 * I/O, on the calling thread (an embedded channel's event loop is whichever thread uses it).
 */
final class ChannelPair {

    final EmbeddedChannel a = new EmbeddedChannel();
    final EmbeddedChannel b = new EmbeddedChannel();

    /** Moves flushed writes across, both ways, until neither side has anything more to say. */
    void shuttle() {
        while (move(a, b) | move(b, a)) {
            // keep going: an answer may provoke another
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object message = from.readOutbound(); message != null; message = from.readOutbound()) {
            to.writeInbound(message);
            moved = true;
        }
        return moved;
    }

    /** Closes both channels and releases whatever is still queued in them. */
    void close() {
        for (EmbeddedChannel channel : new EmbeddedChannel[] {a, b}) {
            channel.finishAndReleaseAll();
        }
    }
}
