package io.peerflux.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import java.util.ArrayList;
import java.util.List;

/** A Yamux session on an {@link EmbeddedChannel} whose remote is the test, writing frames by hand. */
final class RawPeer implements AutoCloseable {

    /**
     * The defaults without window growth, hence without the ping that measures the round trip: a test then sees
     * exactly the frames it causes.
     */
    static final YamuxConfig FIXED_WINDOW = YamuxConfig.defaults().withMaxReceiveWindow(YamuxConfig.INITIAL_WINDOW);

    final EmbeddedChannel channel = new EmbeddedChannel();
    final MuxerSession session;
    final List<MuxedStream> inbound = new ArrayList<>();
    private final EmbeddedChannel parser = new EmbeddedChannel(new YamuxFrameDecoder(YamuxConfig.MAX_WINDOW));

    /** @param initiator whether the session under test dialed (uses odd stream ids) */
    RawPeer(boolean initiator, YamuxConfig config) {
        session = Yamux.create(config).start(channel, initiator, inbound::add);
    }

    RawPeer(boolean initiator) {
        this(initiator, FIXED_WINDOW);
    }

    /** Delivers a frame to the session; a DATA frame's payload is {@code payload} (its length is the header's). */
    void send(YamuxFrame frame, byte... payload) {
        channel.writeInbound(encode(frame, payload));
    }

    static ByteBuf encode(YamuxFrame frame, byte... payload) {
        return Unpooled.buffer(YamuxFrame.HEADER_LENGTH + payload.length).writeByte(YamuxFrame.VERSION)
                .writeByte(frame.type().ordinal()).writeShort(frame.flags()).writeInt(frame.streamId())
                .writeInt(frame.length()).writeBytes(payload);
    }

    /** What the session wrote since the last call: frame headers, each DATA header followed by its payload. */
    List<Object> written() {
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            parser.writeInbound(msg);
        }
        List<Object> out = new ArrayList<>();
        while ((msg = parser.readInbound()) != null) {
            if (msg instanceof ByteBuf payload) {
                out.add(ByteBufUtil.getBytes(payload));
                payload.release();
            } else {
                out.add(msg);
            }
        }
        return out;
    }

    /** Only the frame headers of {@link #written()}. */
    List<YamuxFrame> writtenFrames() {
        return written().stream().filter(YamuxFrame.class::isInstance).map(YamuxFrame.class::cast).toList();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        parser.finishAndReleaseAll();
    }
}
