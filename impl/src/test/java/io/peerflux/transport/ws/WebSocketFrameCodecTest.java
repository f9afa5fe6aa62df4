package io.peerflux.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketFrameCodecTest {

    final EmbeddedChannel channel = new EmbeddedChannel(new WebSocketFrameCodec());

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    static ByteBuf bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Unpooled.wrappedBuffer(data);
    }

    @Test
    void binaryAndContinuationFramesPassTheirContentItself() {
        ByteBuf first = bytes(10);
        ByteBuf second = bytes(20);
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, first), new ContinuationWebSocketFrame(second));
        ByteBuf read = channel.readInbound();
        assertThat(read).isSameAs(first);
        assertThat(read.refCnt()).isOne();
        read.release();
        ByteBuf next = channel.readInbound();
        assertThat(next).isSameAs(second);
        next.release();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aTextFrameClosesWith1003AndLaterFramesAreDropped() {
        TextWebSocketFrame text = new TextWebSocketFrame("hello");
        BinaryWebSocketFrame later = new BinaryWebSocketFrame(bytes(4));
        channel.writeInbound(text, later);

        assertThat(text.refCnt()).isZero();
        assertThat(later.refCnt()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1003);
        close.release();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aControlFrameThatGetsThroughIsReleased() {
        PongWebSocketFrame pong = new PongWebSocketFrame(bytes(3));
        channel.writeInbound(pong);
        assertThat(pong.refCnt()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void aWriteBecomesOneBinaryFrameAroundTheSameBuffer() {
        ByteBuf data = bytes(1000);
        ChannelFuture written = channel.writeAndFlush(data);
        BinaryWebSocketFrame frame = channel.readOutbound();
        assertThat(frame.content()).isSameAs(data);
        assertThat(written.isSuccess()).isTrue();
        frame.release();
    }

    @Test
    void aWriteOverTheFrameLimitIsSplitIntoSlicesWithoutCopying() {
        int max = WebSocketTransport.MAX_FRAME_PAYLOAD;
        ByteBuf data = bytes(2 * max + max / 2);
        ByteBuf expected = data.copy();
        ChannelFuture written = channel.writeAndFlush(data);

        int offset = 0;
        for (int size : new int[] {max, max, max / 2}) {
            BinaryWebSocketFrame frame = channel.readOutbound();
            assertThat(frame.content().readableBytes()).isEqualTo(size);
            assertThat(frame.content().array()).as("shares the written buffer's memory").isSameAs(data.array());
            assertThat(frame.content()).isEqualTo(expected.slice(offset, size));
            offset += size;
            frame.release();
        }
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(written.isSuccess()).isTrue();
        assertThat(data.refCnt()).isZero();
        expected.release();
    }

    @Test
    void anEmptyWritePassesAsItIs() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
        assertThat((Object) channel.readOutbound()).isSameAs(Unpooled.EMPTY_BUFFER);
    }
}
