package io.peerflux.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.multiformats.Varint;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import java.util.ArrayList;
import java.util.List;

/** An mplex session on an {@link EmbeddedChannel} whose remote is the test, writing frames by hand. */
final class RawPeer implements AutoCloseable {

    final EmbeddedChannel channel = new EmbeddedChannel();
    final MuxerSession session;
    final List<MuxedStream> inbound = new ArrayList<>();
    private final EmbeddedChannel parser = new EmbeddedChannel(new MplexFrameDecoder());

    RawPeer(MplexConfig config) {
        channel.freezeTime();
        session = Mplex.create(config).start(channel, true, inbound::add);
    }

    RawPeer() {
        this(MplexConfig.defaults());
    }

    /** Delivers a frame to the session, followed by {@code data} (whose size is the frame's length). */
    void send(MplexFrame frame, byte... data) {
        channel.writeInbound(encode(frame, data));
    }

    static ByteBuf encode(MplexFrame frame, byte... data) {
        ByteBuf out = Unpooled.buffer();
        Varint.write(frame.header(), out);
        Varint.write(frame.length(), out);
        return out.writeBytes(data);
    }

    /** What the session wrote since the last call: frame headers, each followed by its data as a byte[]. */
    List<Object> written() {
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            parser.writeInbound(msg);
        }
        List<Object> out = new ArrayList<>();
        while ((msg = parser.readInbound()) != null) {
            if (msg instanceof ByteBuf data) {
                out.add(ByteBufUtil.getBytes(data));
                data.release();
            } else {
                out.add(msg);
            }
        }
        return out;
    }

    /** Only the frame headers of {@link #written()}. */
    List<MplexFrame> writtenFrames() {
        return written().stream().filter(MplexFrame.class::isInstance).map(MplexFrame.class::cast).toList();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        parser.finishAndReleaseAll();
    }
}
