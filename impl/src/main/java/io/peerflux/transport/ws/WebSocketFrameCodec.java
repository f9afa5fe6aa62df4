package io.peerflux.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.PromiseCombiner;
import io.peerflux.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns WebSocket data frames into the byte stream the layers above read, and their writes into binary frames
 * (RFC 6455 section 5.2). It sits after Netty's WebSocket protocol handler, which answers pings, drops pongs and
 * handles close frames.
 *
 * <p>Inbound, a binary frame or a continuation frame is passed on as its content; the message boundaries mean
 * nothing. A text frame breaks the libp2p contract (the spec's byte stream is binary): the connection is closed with
 * status 1003 (unsupported data), and frames still arriving meanwhile are dropped.
 *
 * <p>Outbound, a buffer becomes one binary frame, or several when it is larger than
 * {@link WebSocketTransport#MAX_FRAME_PAYLOAD}, so that a peer with the same limit accepts them; an empty buffer is
 * passed on as it is (it writes nothing). A server's frame is encoded by Netty (a small header, then the buffer
 * itself). A client's frame must be masked: this codec writes it whole, masking in one pass from the buffer into the
 * frame through NIO views, and Netty's encoder lets such bytes through. (Netty's encoder masks through
 * {@code ByteBuf} accessors, eight bytes a call; with leak detection at paranoid, every call is recorded, and an 8 MiB
 * transfer took seconds.)
 *
 * <p>Ownership: an inbound frame's content is passed on as the frame's one reference; dropped frames are released.
 * A written buffer is owned here: it goes out as the frame's content (server), or is released once masked into a
 * new buffer (client).
 */
final class WebSocketFrameCodec extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameCodec.class);
    /** First byte of a final binary frame: FIN, no reserved bits, opcode 2. */
    private static final int FIN_BINARY = 0x82;
    /** The mask bit of the second byte. */
    private static final int MASKED = 0x80;

    private final boolean masking;
    private boolean closing;

    /** @param masking whether frames are masked: {@code true} on the client side, as RFC 6455 requires */
    WebSocketFrameCodec(boolean masking) {
        this.masking = masking;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
        } else if (closing) {
            frame.release();
        } else if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(frame.content());
        } else if (frame instanceof TextWebSocketFrame) {
            frame.release();
            closing = true;
            log.debug("{}: closing: {}", ctx.channel(),
                    ProtocolViolationException.connection("websocket", "a text frame where binary was expected"));
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE));
            ctx.close();
        } else {
            frame.release(); // a control frame the protocol handler let through: nothing to do
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf data) || !data.isReadable()) {
            ctx.write(msg, promise);
        } else if (data.readableBytes() <= WebSocketTransport.MAX_FRAME_PAYLOAD) {
            ctx.write(frame(ctx, data), promise);
        } else {
            PromiseCombiner frames = new PromiseCombiner(ctx.executor());
            while (data.isReadable()) {
                int size = Math.min(data.readableBytes(), WebSocketTransport.MAX_FRAME_PAYLOAD);
                frames.add(ctx.write(frame(ctx, data.readRetainedSlice(size))));
            }
            data.release();
            frames.finish(promise);
        }
    }

    /** A final binary frame carrying {@code payload}, which this takes ownership of. */
    private Object frame(ChannelHandlerContext ctx, ByteBuf payload) {
        if (!masking) {
            return new BinaryWebSocketFrame(payload); // Netty's encoder writes a header, then the payload itself
        }
        int length = payload.readableBytes();
        int lengthBytes = length <= 125 ? 0 : length <= 0xffff ? 2 : 8;
        ByteBuf frame = ctx.alloc().buffer(2 + lengthBytes + 4 + length);
        frame.writeByte(FIN_BINARY);
        if (lengthBytes == 0) {
            frame.writeByte(MASKED | length);
        } else if (lengthBytes == 2) {
            frame.writeByte(MASKED | 126).writeShort(length);
        } else {
            frame.writeByte(MASKED | 127).writeLong(length);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        frame.writeInt(mask);
        mask(payload.nioBuffer(), frame.internalNioBuffer(frame.writerIndex(), length).duplicate(), mask);
        frame.writerIndex(frame.writerIndex() + length);
        payload.release();
        return frame;
    }

    /**
     * Writes {@code from} XOR the repeated big-endian 4-byte {@code mask} into {@code to} (RFC 6455 section 5.3),
     * eight bytes at a time.
     */
    static void mask(ByteBuffer from, ByteBuffer to, int mask) {
        from.order(ByteOrder.BIG_ENDIAN);
        to.order(ByteOrder.BIG_ENDIAN);
        long longMask = (mask & 0xffffffffL) << 32 | (mask & 0xffffffffL);
        while (from.remaining() >= Long.BYTES) {
            to.putLong(from.getLong() ^ longMask);
        }
        for (int i = 0; from.hasRemaining(); i++) {
            to.put((byte) (from.get() ^ mask >>> 24 - 8 * (i & 3)));
        }
    }
}
