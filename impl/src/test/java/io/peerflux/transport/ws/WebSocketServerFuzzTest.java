package io.peerflux.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CodecException;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;

/**
 * Whatever a client sends, the listener's pipeline answers or closes, reports only Netty's typed codec errors to the
 * layers above, and leaks nothing.
 */
class WebSocketServerFuzzTest {

    static final String UPGRADE = WebSocketTransportTest.upgradeRequest("/");

    /** What the layers above the transport would see. */
    static final class Above extends ChannelInboundHandlerAdapter {
        final List<Throwable> errors = new ArrayList<>();
        int opened;
        long bytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            assertThat(msg).isInstanceOf(ByteBuf.class);
            bytes += ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

    static EmbeddedChannel listener(Above above) {
        EmbeddedChannel channel = new EmbeddedChannel();
        WebSocketTransport.addServerHandlers(channel.pipeline(), new WebSocketOpening.Outcome() {
            @Override
            public void opened(Channel open) {
                above.opened++;
            }

            @Override
            public void failed(Throwable cause) {
            }
        });
        channel.pipeline().addLast(above);
        return channel;
    }

    @Property(tries = 300)
    void randomBytesWhereTheRequestBelongs(@ForAll boolean requestLineFirst,
                                           @ForAll @Size(max = 4) List<@Size(max = 600) byte[]> reads) {
        Above above = new Above();
        EmbeddedChannel channel = listener(above);
        try {
            if (requestLineFirst) {
                channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
            }
            for (byte[] read : reads) {
                if (channel.isOpen()) {
                    channel.writeInbound(Unpooled.wrappedBuffer(read));
                }
            }
            assertThat(above.opened).isZero();
            assertThat(above.errors).isEmpty();
            assertThat(above.bytes).isZero();
            Statistics.collect(channel.isOpen() ? "waiting" : "refused");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Property(tries = 300)
    void arbitraryFramesAfterTheUpgrade(@ForAll("frames") List<byte[]> frames) {
        Above above = new Above();
        EmbeddedChannel channel = listener(above);
        try {
            channel.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
            assertThat(above.opened).isOne();
            for (byte[] frame : frames) {
                if (channel.isOpen()) {
                    channel.writeInbound(Unpooled.wrappedBuffer(frame));
                }
            }
            assertThat(above.errors).allSatisfy(e -> assertThat(e).isInstanceOf(CodecException.class));
            Statistics.collect(channel.isOpen() ? "open" : "closed", above.bytes > 0 ? "data passed" : "no data");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Frames of every kind (data, control, unknown opcodes; final or not; now and then a reserved bit), mostly masked,
     * with a short payload, and now and then a length that is a lie.
     */
    @Provide
    Arbitrary<List<byte[]>> frames() {
        Arbitrary<Integer> firstByte = Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 9).map(n -> n == 0),
                Arbitraries.of(0x0, 0x1, 0x2, 0x2, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb)
        ).as((fin, reserved, opcode) -> (fin ? 0x80 : 0) | (reserved ? 0x40 : 0) | opcode);
        Arbitrary<byte[]> frame = Combinators.combine(
                firstByte,
                Arbitraries.integers().between(0, 9).map(n -> n > 0),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.integers().between(0, 19).map(n -> n == 0)
        ).as((first, masked, payload, lie) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(first);
            int length = lie ? 127 : payload.length;
            out.write((masked ? 0x80 : 0) | (length < 126 ? length : length == 127 ? 127 : 126));
            if (length == 127) {
                out.writeBytes(new byte[] {0x7f, (byte) 0xff, 0, 0, 0, 0, 0, 1});
            } else if (length >= 126) {
                out.write(length >> 8);
                out.write(length);
            }
            if (masked) {
                out.writeBytes(new byte[] {1, 2, 3, 4});
            }
            out.writeBytes(payload);
            return out.toByteArray();
        });
        return frame.list().ofMaxSize(6);
    }
}
