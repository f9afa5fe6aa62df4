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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns WebSocket data frames into the byte stream the layers above read, and their writes into binary frames. It
 * sits after Netty's WebSocket protocol handler, which answers pings, drops pongs and handles close frames.
 *
 * <p>Inbound, a binary frame or a continuation frame is passed on as its content; the message boundaries mean
 * nothing. A text frame breaks the libp2p contract (the spec's byte stream is binary): the connection is closed with
 * status 1003 (unsupported data), and frames still arriving meanwhile are dropped. Outbound, a buffer becomes one
 * binary frame, or several when it is larger than {@link WebSocketTransport#MAX_FRAME_PAYLOAD}, so that a peer with
 * the same limit accepts them; an empty buffer is passed on as it is (it writes nothing).
 *
 * <p>Ownership: no copies. An inbound frame's content is passed on as the frame's one reference; an outbound buffer
 * becomes the frame's content (or is split into retained slices, then released). Dropped frames are released.
 */
final class WebSocketFrameCodec extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameCodec.class);

    private boolean closing;

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
            ctx.write(new BinaryWebSocketFrame(data), promise);
        } else {
            PromiseCombiner frames = new PromiseCombiner(ctx.executor());
            while (data.isReadable()) {
                int size = Math.min(data.readableBytes(), WebSocketTransport.MAX_FRAME_PAYLOAD);
                frames.add(ctx.write(new BinaryWebSocketFrame(data.readRetainedSlice(size))));
            }
            data.release();
            frames.finish(promise);
        }
    }
}
