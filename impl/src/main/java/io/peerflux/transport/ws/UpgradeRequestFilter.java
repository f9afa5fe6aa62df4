package io.peerflux.transport.ws;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's check of the request before Netty's WebSocket handshake: only an RFC 6455 (version 13) upgrade
 * {@code GET} on {@link WebSocketTransport#PATH} goes on; anything else is answered with an HTTP error and the
 * connection closed. A good request passes and this handler leaves the pipeline.
 *
 * <ul>
 *   <li>a request Netty could not decode (too long a line or headers, say): 400 Bad Request</li>
 *   <li>another path: 404 Not Found</li>
 *   <li>another method: 405 Method Not Allowed</li>
 *   <li>no {@code Upgrade: websocket} and {@code Connection: upgrade}, or another {@code Sec-WebSocket-Version}:
 *       426 Upgrade Required, naming version 13</li>
 * </ul>
 *
 * <p>Ownership: a refused request is released here, and so is anything read after it.
 */
final class UpgradeRequestFilter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UpgradeRequestFilter.class);
    private static final String VERSION = "13";

    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        HttpResponseStatus refusal = refusal(request);
        if (refusal == null) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(request);
            return;
        }
        log.debug("{}: refused WebSocket upgrade {} {}: {}", ctx.channel(), request.method(), request.uri(), refusal);
        request.release();
        refused = true;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, refusal);
        response.headers()
                .set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (refusal == HttpResponseStatus.UPGRADE_REQUIRED) {
            response.headers()
                    .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                    .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** Why {@code request} is refused, or {@code null} when it may go on to the handshake. */
    private static HttpResponseStatus refusal(FullHttpRequest request) {
        HttpHeaders headers = request.headers();
        if (request.decoderResult().isFailure()) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        if (!WebSocketTransport.PATH.equals(request.uri())) {
            return HttpResponseStatus.NOT_FOUND;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            return HttpResponseStatus.METHOD_NOT_ALLOWED;
        }
        if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || !VERSION.equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            return HttpResponseStatus.UPGRADE_REQUIRED;
        }
        return null;
    }
}
