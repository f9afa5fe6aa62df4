package io.peerflux.mux.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.peerflux.ProtocolViolationException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class YamuxFrameCodecTest {

    private static final int MAX_DATA = YamuxConfig.INITIAL_WINDOW;

    // ---- encoder: exact bytes of the spec's header layout ----

    @Test
    void encodesAWindowUpdateOpeningAStreamAsTheSpecLaysItOut() {
        // version 0 | type 1 (window update) | flags 0x0001 (SYN) | stream id 1 | length (delta) 262144
        assertThat(encode(YamuxFrame.windowUpdate(YamuxFrame.SYN, 1, 256 * 1024)))
                .isEqualTo("00" + "01" + "0001" + "00000001" + "00040000");
    }

    @Test
    void encodesEveryTypeAndFlagCombination() {
        for (YamuxFrame.Type type : YamuxFrame.Type.values()) {
            for (int flags = 0; flags < 16; flags++) {
                String hex = encode(new YamuxFrame(type, flags, 0xFFFF_FFFE, 0x8000_0001));
                assertThat(hex).isEqualTo("00" + "0" + type.ordinal() + "000" + Integer.toHexString(flags)
                        + "fffffffe" + "80000001");
            }
        }
    }

    @Test
    void encodesPingAndGoAwayOnTheSessionId() {
        assertThat(encode(YamuxFrame.ping(YamuxFrame.ACK, 0xCAFE))).isEqualTo("00" + "02" + "0002" + "00000000"
                + "0000cafe");
        assertThat(encode(YamuxFrame.goAway(YamuxFrame.GO_AWAY_PROTOCOL_ERROR))).isEqualTo("00" + "03" + "0000"
                + "00000000" + "00000001");
    }

    @Test
    void passesDataPayloadThroughUntouched() {
        EmbeddedChannel channel = new EmbeddedChannel(YamuxFrameEncoder.INSTANCE);
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        channel.writeOutbound(YamuxFrame.data(YamuxFrame.FIN, 7, 3), payload);
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        assertThat(ByteBufUtil.hexDump(header)).isEqualTo("00" + "00" + "0004" + "00000007" + "00000003");
        assertThat(body).isSameAs(payload);
        header.release();
        body.release();
        assertThat(channel.finish()).isFalse();
    }

    // ---- decoder ----

    @Test
    void decodesEveryTypeAndFlagCombination() {
        for (YamuxFrame.Type type : YamuxFrame.Type.values()) {
            for (int flags = 0; flags < 16; flags++) {
                int length = type == YamuxFrame.Type.DATA ? 0 : 0xFFFF_FFFF;
                List<Object> out = decode(header(0, type.ordinal(), flags, 0x8000_0003, length));
                assertThat(out).containsExactly(new YamuxFrame(type, flags, 0x8000_0003, length));
            }
        }
    }

    @Test
    void keepsUnknownFlagBits() {
        assertThat(decode(header(0, 1, 0xFFFF, 1, 0))).containsExactly(YamuxFrame.windowUpdate(0xFFFF, 1, 0));
    }

    @Test
    void passesDataPayloadAsSlicesAsItArrives() {
        EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameDecoder(MAX_DATA));
        ByteBuf frame = header(0, 0, YamuxFrame.SYN, 1, 10).writeBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        // header split in two, payload in three reads, next header glued to the last payload piece
        channel.writeInbound(frame.retainedSlice(0, 5));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(frame.retainedSlice(5, 10));
        assertThat((Object) channel.readInbound()).isEqualTo(YamuxFrame.data(YamuxFrame.SYN, 1, 10));
        assertThat(hexOf(channel.readInbound())).isEqualTo("000102");
        channel.writeInbound(Unpooled.wrappedBuffer(frame.retainedSlice(15, 7), header(0, 1, YamuxFrame.FIN, 1, 0)));
        frame.release();
        assertThat(hexOf(channel.readInbound())).isEqualTo("03040506070809");
        assertThat((Object) channel.readInbound()).isEqualTo(YamuxFrame.windowUpdate(YamuxFrame.FIN, 1, 0));
        assertThat(channel.finish()).isFalse();
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void acceptsDataUpToTheMaximumWindow() {
        List<Object> out = decode(header(0, 0, 0, 1, MAX_DATA));
        assertThat(out).containsExactly(YamuxFrame.data(0, 1, MAX_DATA));
    }

    @Test
    void rejectsAVersionOtherThanZero() {
        assertViolation(header(1, 0, 0, 1, 0), "unsupported version 1");
    }

    @Test
    void rejectsAnUnknownType() {
        assertViolation(header(0, 4, 0, 1, 0), "unknown frame type 4");
    }

    @Test
    void rejectsDataLargerThanTheMaximumWindow() {
        assertViolation(header(0, 0, 0, 1, MAX_DATA + 1), "exceeds the maximum window");
        assertViolation(header(0, 0, 0, 1, 0xFFFF_FFFF), "4294967295 bytes");
    }

    @Test
    void discardsEverythingAfterAViolation() {
        EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameDecoder(MAX_DATA));
        assertThatThrownBy(() -> channel.writeInbound(header(9, 0, 0, 1, 0))).isInstanceOf(DecoderException.class);
        ByteBuf valid = header(0, 2, YamuxFrame.SYN, 0, 1);
        channel.writeInbound(valid);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(valid.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void roundTripsThroughEncoderAndDecoder() {
        EmbeddedChannel encoder = new EmbeddedChannel(YamuxFrameEncoder.INSTANCE);
        EmbeddedChannel decoder = new EmbeddedChannel(new YamuxFrameDecoder(MAX_DATA));
        List<YamuxFrame> frames = List.of(YamuxFrame.data(YamuxFrame.SYN | YamuxFrame.FIN, 5, 0),
                YamuxFrame.windowUpdate(YamuxFrame.ACK, 6, 0xFFFF_FFFF), YamuxFrame.ping(YamuxFrame.SYN, -1),
                YamuxFrame.goAway(YamuxFrame.GO_AWAY_NORMAL), YamuxFrame.windowUpdate(YamuxFrame.RST, 0xFFFF_FFFF, 0));
        for (YamuxFrame frame : frames) {
            encoder.writeOutbound(frame);
            decoder.writeInbound((Object) encoder.readOutbound());
            assertThat((Object) decoder.readInbound()).isEqualTo(frame);
        }
        assertThat(encoder.finish()).isFalse();
        assertThat(decoder.finish()).isFalse();
    }

    /** Random bytes in random pieces: frames whose payloads add up, or a protocol violation; nothing else. */
    @Property(tries = 500)
    void randomInputDecodesConsistentlyOrFailsTyped(@ForAll("wireLike") byte[] input, @ForAll("cuts") List<Integer> cuts) {
        EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameDecoder(MAX_DATA));
        ByteBuf all = Unpooled.buffer(input.length).writeBytes(input);
        int position = 0;
        List<Object> out = new ArrayList<>();
        try {
            for (int cut : cuts) {
                int end = Math.min(input.length, position + cut);
                feed(channel, all.retainedSlice(position, end - position), out);
                position = end;
            }
            feed(channel, all.retainedSlice(position, input.length - position), out);
            long expectedPayload = 0;
            for (Object o : out) {
                if (o instanceof YamuxFrame frame) {
                    assertThat(expectedPayload).as("payload finished before the next header").isZero();
                    expectedPayload = frame.type() == YamuxFrame.Type.DATA ? Integer.toUnsignedLong(frame.length()) : 0;
                } else {
                    int n = ((ByteBuf) o).readableBytes();
                    assertThat(n).isPositive().isLessThanOrEqualTo((int) expectedPayload);
                    expectedPayload -= n;
                }
            }
        } finally {
            out.forEach(io.netty.util.ReferenceCountUtil::release);
            channel.finishAndReleaseAll();
            all.release();
        }
        assertThat(all.refCnt()).isZero();
    }

    @Provide
    Arbitrary<byte[]> wireLike() {
        // Mostly valid-looking headers: version 0 and small types are common, so frames and payloads get decoded.
        Arbitrary<byte[]> header = Arbitraries.of(0, 0, 0, 1).flatMap(version -> Arbitraries.integers().between(0, 5)
                .flatMap(type -> Arbitraries.integers().between(0, 300).map(length -> {
                    ByteBuf h = header(version, type, 0, 1, length);
                    byte[] bytes = ByteBufUtil.getBytes(h);
                    h.release();
                    return bytes;
                })));
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.oneOf(header, noise).list().ofMaxSize(12).map(parts -> {
            ByteBuf joined = Unpooled.buffer();
            parts.forEach(joined::writeBytes);
            byte[] bytes = ByteBufUtil.getBytes(joined);
            joined.release();
            return bytes;
        });
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 40).list().ofMaxSize(20);
    }

    private static void feed(EmbeddedChannel channel, ByteBuf piece, List<Object> out) {
        try {
            channel.writeInbound(piece);
        } catch (DecoderException e) {
            assertThat(e).hasCauseInstanceOf(ProtocolViolationException.class);
            assertThat(((ProtocolViolationException) e.getCause()).scope())
                    .isEqualTo(ProtocolViolationException.Scope.CONNECTION);
        }
        Object o;
        while ((o = channel.readInbound()) != null) {
            out.add(o);
        }
    }

    // ---- helpers ----

    static ByteBuf header(int version, int type, int flags, int streamId, int length) {
        return Unpooled.buffer(YamuxFrame.HEADER_LENGTH).writeByte(version).writeByte(type).writeShort(flags)
                .writeInt(streamId).writeInt(length);
    }

    private static String encode(YamuxFrame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(YamuxFrameEncoder.INSTANCE);
        channel.writeOutbound(frame);
        String hex = hexOf(channel.readOutbound());
        assertThat(channel.finish()).isFalse();
        return hex;
    }

    private static List<Object> decode(ByteBuf input) {
        EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameDecoder(MAX_DATA));
        channel.writeInbound(input);
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            out.add(o);
        }
        channel.finishAndReleaseAll();
        return out;
    }

    private static void assertViolation(ByteBuf input, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameDecoder(MAX_DATA));
        assertThatThrownBy(() -> channel.writeInbound(input))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ProtocolViolationException.class).hasMessageContaining(message)
                .extracting(e -> ((ProtocolViolationException) e).scope())
                .isEqualTo(ProtocolViolationException.Scope.CONNECTION);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(input.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    private static String hexOf(Object buf) {
        ByteBuf b = (ByteBuf) buf;
        String hex = ByteBufUtil.hexDump(b);
        b.release();
        return hex;
    }
}
