package io.peerflux.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.ProtocolViolationException;
import io.peerflux.mux.mplex.MplexFrame.Flag;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MplexFrameCodecTest {

    // ---- encoder: exact bytes of the spec's message format ----

    @Test
    void encodesEachFlagInTheLowThreeBitsOfTheHeader() {
        // stream 5: header = 5 << 3 | flag = 0x28 + flag, one varint byte; then the length
        assertThat(encode(MplexFrame.newStream(5))).isEqualTo("28" + "00");
        assertThat(encode(MplexFrame.message(5, false, 3))).isEqualTo("29" + "03");
        assertThat(encode(MplexFrame.message(5, true, 3))).isEqualTo("2a" + "03");
        assertThat(encode(MplexFrame.close(5, false))).isEqualTo("2b" + "00");
        assertThat(encode(MplexFrame.close(5, true))).isEqualTo("2c" + "00");
        assertThat(encode(MplexFrame.reset(5, false))).isEqualTo("2d" + "00");
        assertThat(encode(MplexFrame.reset(5, true))).isEqualTo("2e" + "00");
    }

    @Test
    void encodesMultiByteVarints() {
        // stream 16, MessageInitiator: 16 << 3 | 2 = 130 = 0x82 0x01; length 300 = 0xac 0x02
        assertThat(encode(MplexFrame.message(16, true, 300))).isEqualTo("8201" + "ac02");
        // the largest stream id and message fill the maximum header length
        String max = encode(new MplexFrame(MplexFrame.MAX_STREAM_ID, Flag.RESET_INITIATOR, MplexFrame.MAX_MESSAGE_SIZE));
        assertThat(max).isEqualTo("feffffffffffffff7f" + "808040");
        assertThat(max).hasSize(2 * MplexFrame.MAX_HEADER_LENGTH);
    }

    @Test
    void passesDataThroughUntouched() {
        EmbeddedChannel channel = new EmbeddedChannel(MplexFrameEncoder.INSTANCE);
        ByteBuf data = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        channel.writeOutbound(MplexFrame.message(7, true, 3), data);
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        assertThat(ByteBufUtil.hexDump(header)).isEqualTo("3a03");
        assertThat(body).isSameAs(data);
        header.release();
        body.release();
        assertThat(channel.finish()).isFalse();
    }

    // ---- decoder ----

    @Test
    void decodesEveryFlag() {
        for (Flag flag : Flag.values()) {
            assertThat(decode(header(9L << 3 | flag.ordinal(), 0))).containsExactly(new MplexFrame(9, flag, 0));
        }
    }

    @Test
    void flagsTellWhoSentTheMessage() {
        assertThat(List.of(Flag.values())).filteredOn(Flag::fromInitiator)
                .containsExactly(Flag.NEW_STREAM, Flag.MESSAGE_INITIATOR, Flag.CLOSE_INITIATOR, Flag.RESET_INITIATOR);
    }

    @Test
    void passesDataAsSlicesAsItArrives() {
        EmbeddedChannel channel = new EmbeddedChannel(new MplexFrameDecoder());
        // 0x0a = stream 1, MessageInitiator; length 10
        ByteBuf frame = header(0x0a, 10).writeBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        // header split between its varints, data in two reads, the next header glued to the last piece
        channel.writeInbound(frame.retainedSlice(0, 1));
        assertThat(channel.<Object>readInbound()).isNull();
        channel.writeInbound(frame.retainedSlice(1, 4));
        assertThat(channel.<Object>readInbound()).isEqualTo(MplexFrame.message(1, true, 10));
        assertThat(hexOf(channel.readInbound())).isEqualTo("000102");
        channel.writeInbound(Unpooled.wrappedBuffer(frame.retainedSlice(5, 7), header(0x0c, 0)));
        frame.release();
        assertThat(hexOf(channel.readInbound())).isEqualTo("03040506070809");
        assertThat(channel.<Object>readInbound()).isEqualTo(MplexFrame.close(1, true));
        assertThat(channel.finish()).isFalse();
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void waitsForATruncatedVarintWithoutConsumingIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new MplexFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82}));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x01, (byte) 0xac}));
        assertThat(channel.<Object>readInbound()).isNull();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x02}));
        assertThat(channel.<Object>readInbound()).isEqualTo(MplexFrame.message(16, true, 300));
        channel.finishAndReleaseAll();
    }

    @Test
    void acceptsAMessageOfTheMaximumSize() {
        assertThat(decode(header(0x0a, MplexFrame.MAX_MESSAGE_SIZE)))
                .containsExactly(MplexFrame.message(1, true, MplexFrame.MAX_MESSAGE_SIZE));
    }

    @Test
    void rejectsAMessageLargerThanTheMaximum() {
        assertViolation(header(0x0a, MplexFrame.MAX_MESSAGE_SIZE + 1), "exceeds the maximum of 1048576");
        assertViolation(header(0x0a, Long.MAX_VALUE), "exceeds the maximum");
    }

    @Test
    void rejectsTheUnknownFlagSeven() {
        assertViolation(header(3L << 3 | 7, 0), "unknown flag 7 on stream 3");
    }

    @Test
    void rejectsMalformedVarints() {
        assertViolation(Unpooled.wrappedBuffer(new byte[] {(byte) 0x8a, 0x00, 0x00}), "not minimally encoded");
        assertViolation(Unpooled.wrappedBuffer(new byte[] {0x0a, (byte) 0x83, 0x00}), "not minimally encoded");
        byte[] tooLong = new byte[10];
        java.util.Arrays.fill(tooLong, (byte) 0xff);
        assertViolation(Unpooled.wrappedBuffer(tooLong), "longer than 9 bytes");
    }

    @Test
    void discardsEverythingAfterAViolation() {
        EmbeddedChannel channel = new EmbeddedChannel(new MplexFrameDecoder());
        assertThatThrownBy(() -> channel.writeInbound(header(7, 0))).isInstanceOf(DecoderException.class);
        ByteBuf valid = header(0x0a, 0);
        channel.writeInbound(valid);
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(valid.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void roundTripsThroughEncoderAndDecoder() {
        EmbeddedChannel encoder = new EmbeddedChannel(MplexFrameEncoder.INSTANCE);
        EmbeddedChannel decoder = new EmbeddedChannel(new MplexFrameDecoder());
        List<MplexFrame> frames = List.of(MplexFrame.newStream(0), MplexFrame.message(1 << 20, false, 0),
                MplexFrame.close(MplexFrame.MAX_STREAM_ID, true), MplexFrame.reset(127, false),
                new MplexFrame(128, Flag.CLOSE_RECEIVER, 0));
        for (MplexFrame frame : frames) {
            encoder.writeOutbound(frame);
            decoder.writeInbound(encoder.<Object>readOutbound());
            assertThat(decoder.<Object>readInbound()).isEqualTo(frame);
        }
        assertThat(encoder.finish()).isFalse();
        assertThat(decoder.finish()).isFalse();
    }

    /** Random bytes in random pieces: headers followed by data that adds up, or a protocol violation; nothing else. */
    @Property(tries = 500)
    void randomInputDecodesConsistentlyOrFailsTyped(@ForAll("wireLike") byte[] input,
                                                    @ForAll("cuts") List<Integer> cuts) {
        EmbeddedChannel channel = new EmbeddedChannel(new MplexFrameDecoder());
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
            long expectedData = 0;
            for (Object o : out) {
                if (o instanceof MplexFrame frame) {
                    assertThat(expectedData).as("data finished before the next header").isZero();
                    assertThat(frame.length()).isBetween(0, MplexFrame.MAX_MESSAGE_SIZE);
                    assertThat(frame.streamId()).isBetween(0L, MplexFrame.MAX_STREAM_ID);
                    expectedData = frame.length();
                } else {
                    int n = ((ByteBuf) o).readableBytes();
                    assertThat(n).isPositive().isLessThanOrEqualTo((int) expectedData);
                    expectedData -= n;
                }
            }
        } finally {
            out.forEach(ReferenceCountUtil::release);
            channel.finishAndReleaseAll();
            all.release();
        }
        assertThat(all.refCnt()).isZero();
    }

    @Provide
    Arbitrary<byte[]> wireLike() {
        // Mostly valid headers (so that data gets decoded), some with flag 7 or a huge length, mixed with noise.
        Arbitrary<byte[]> header = Arbitraries.longs().between(0, 1 << 20).flatMap(id -> Arbitraries.integers()
                .between(0, 7).flatMap(flag -> Arbitraries.oneOf(Arbitraries.integers().between(0, 300),
                        Arbitraries.just(MplexFrame.MAX_MESSAGE_SIZE + 1)).map(length -> {
                            ByteBuf h = header(id << 3 | flag, length);
                            byte[] bytes = ByteBufUtil.getBytes(h);
                            h.release();
                            return bytes;
                        })));
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, header), net.jqwik.api.Tuple.of(1, noise))
                .list().ofMaxSize(12).map(parts -> {
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

    static ByteBuf header(long header, long length) {
        ByteBuf out = Unpooled.buffer();
        io.peerflux.multiformats.Varint.write(header, out);
        io.peerflux.multiformats.Varint.write(length, out);
        return out;
    }

    private static String encode(MplexFrame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(MplexFrameEncoder.INSTANCE);
        channel.writeOutbound(frame);
        String hex = hexOf(channel.readOutbound());
        assertThat(channel.finish()).isFalse();
        return hex;
    }

    private static List<Object> decode(ByteBuf input) {
        EmbeddedChannel channel = new EmbeddedChannel(new MplexFrameDecoder());
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
        EmbeddedChannel channel = new EmbeddedChannel(new MplexFrameDecoder());
        assertThatThrownBy(() -> channel.writeInbound(input))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ProtocolViolationException.class).hasMessageContaining(message)
                .extracting(e -> ((ProtocolViolationException) e).scope())
                .isEqualTo(ProtocolViolationException.Scope.CONNECTION);
        assertThat(channel.<Object>readInbound()).isNull();
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
