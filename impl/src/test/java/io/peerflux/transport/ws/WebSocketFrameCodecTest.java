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
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The codec in server mode (Netty encodes its frames), then in client mode, where it masks frames itself. */
class WebSocketFrameCodecTest {

    final EmbeddedChannel channel = new EmbeddedChannel(new WebSocketFrameCodec(false));

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

    // ---- client side: masked frames, checked by Netty's decoder ----

    /** What a server decodes from the client codec's frames for {@code written}. */
    static List<ByteBuf> throughClientCodecAndNettyServerDecoder(ByteBuf written) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocketFrameCodec(true));
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).maxFramePayloadLength(WebSocketTransport.MAX_FRAME_PAYLOAD).build()));
        try {
            assertThat(client.writeAndFlush(written).isSuccess()).isTrue();
            for (ByteBuf bytes; (bytes = client.readOutbound()) != null; ) {
                server.writeInbound(bytes);
            }
            List<ByteBuf> payloads = new ArrayList<>();
            for (BinaryWebSocketFrame frame; (frame = server.readInbound()) != null; ) {
                assertThat(frame.isFinalFragment()).isTrue();
                payloads.add(frame.content());
            }
            return payloads;
        } finally {
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
    }

    @Test
    void clientFramesAreMaskedAsNettyExpectsForEveryLengthEncoding() {
        for (int size : new int[] {1, 7, 125, 126, 1000, 65535, 65536, 300_001}) {
            ByteBuf data = bytes(size);
            ByteBuf expected = data.copy();
            List<ByteBuf> payloads = throughClientCodecAndNettyServerDecoder(data);
            assertThat(payloads).as("size %d", size).singleElement().isEqualTo(expected);
            assertThat(data.refCnt()).isZero();
            payloads.forEach(ByteBuf::release);
            expected.release();
        }
    }

    @Test
    void aLargeClientWriteIsSplitIntoMaskedFrames() {
        int max = WebSocketTransport.MAX_FRAME_PAYLOAD;
        ByteBuf data = Unpooled.wrappedBuffer(bytes(max), bytes(max / 3)); // a composite, as Noise may write
        ByteBuf expected = data.copy();
        List<ByteBuf> payloads = throughClientCodecAndNettyServerDecoder(data);
        assertThat(payloads).hasSize(2);
        assertThat(Unpooled.wrappedBuffer(payloads.toArray(ByteBuf[]::new))).isEqualTo(expected);
        payloads.forEach(ByteBuf::release);
        expected.release();
    }

    @Property(tries = 200)
    void maskingTwiceGivesBackTheInputAndMatchesTheByteWiseDefinition(@ForAll byte[] input, @ForAll int mask) {
        ByteBuffer masked = ByteBuffer.allocate(input.length);
        WebSocketFrameCodec.mask(ByteBuffer.wrap(input), masked, mask);
        for (int i = 0; i < input.length; i++) {
            byte key = (byte) (mask >>> 24 - 8 * (i % 4));
            assertThat(masked.get(i)).isEqualTo((byte) (input[i] ^ key));
        }
        ByteBuffer unmasked = ByteBuffer.allocateDirect(input.length);
        WebSocketFrameCodec.mask(masked.flip(), unmasked, mask);
        byte[] back = new byte[input.length];
        unmasked.flip().get(back);
        assertThat(back).isEqualTo(input);
    }
}
