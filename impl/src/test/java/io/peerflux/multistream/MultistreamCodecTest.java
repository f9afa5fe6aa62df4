package io.peerflux.multistream;

import static io.peerflux.multistream.Wire.ascii;
import static io.peerflux.multistream.Wire.buf;
import static io.peerflux.multistream.Wire.concat;
import static io.peerflux.multistream.Wire.drain;
import static io.peerflux.multistream.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.peerflux.multistream.MultistreamCodec.Malformed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultistreamCodecTest {

    @Test
    void headerIsNineteenBytesBehindTheirLength() throws Exception {
        ByteBuf out = Unpooled.buffer();
        MultistreamCodec.writeHeader(out);
        byte[] bytes = drain(out);
        assertThat(bytes).hasSize(20);
        assertThat(bytes[0]).isEqualTo((byte) 0x13);
        assertThat(new String(bytes, 1, 19, StandardCharsets.UTF_8)).isEqualTo("/multistream/1.0.0\n");
    }

    @Test
    void naIsTheSpecExample() {
        // connections/README.md: the string "na" is sent as 0x036e610a.
        ByteBuf out = Unpooled.buffer();
        MultistreamCodec.writeMessage(out, MultistreamCodec.NA);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("036e610a");
        out.release();
    }

    @Test
    void lsIsTheSpecExample() {
        // multistream-select README: ls is 0x036c730a.
        ByteBuf out = Unpooled.buffer();
        MultistreamCodec.writeMessage(out, MultistreamCodec.LS);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("036c730a");
        out.release();
    }

    @Test
    void lengthAbove127TakesTwoVarintBytes() throws Exception {
        String id = "/" + "x".repeat(199); // 200 bytes + newline = 201 = 0xc9 0x01
        ByteBuf out = Unpooled.buffer();
        MultistreamCodec.writeMessage(out, MultistreamCodec.protocolId(id));
        assertThat(out.getUnsignedByte(0)).isEqualTo((short) 0xc9);
        assertThat(out.getUnsignedByte(1)).isEqualTo((short) 0x01);
        assertThat(out.readableBytes()).isEqualTo(2 + 201);
        assertThat(MultistreamCodec.readMessage(out).toString(StandardCharsets.UTF_8)).isEqualTo(id);
        assertThat(out.isReadable()).isFalse();
        out.release();
    }

    @Test
    void listingIsOneMessageOfMessagesClosedByANewline() {
        ByteBuf out = Unpooled.buffer();
        MultistreamCodec.writeListing(out, List.of("/a", "/bc"));
        // 0a = 10 bytes: [03 "/a" 0a] [04 "/bc" 0a] 0a
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("0a" + "032f610a" + "042f62630a" + "0a");
        out.release();
    }

    @Test
    void listingStopsBeforeTheMessageLimit() {
        List<String> protocols = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            protocols.add(String.format("/protocol/%04d", i)); // 14 bytes, 16 on the wire
            if (i < 63) { // (1024 - 1) / 16 = 63 fit, with the closing newline
                expected.append((char) 15).append(protocols.get(i)).append('\n');
            }
        }
        expected.append('\n');
        ByteBuf out = Unpooled.buffer();
        MultistreamCodec.writeListing(out, protocols);
        byte[] wire = drain(out);
        // 63 * 16 + 1 = 1009 = 0xf1 0x07
        assertThat(wire[0]).isEqualTo((byte) 0xf1);
        assertThat(wire[1]).isEqualTo((byte) 0x07);
        assertThat(new String(wire, 2, wire.length - 2, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }

    @Test
    void readsAMessageOnlyOnceComplete() throws Exception {
        byte[] wire = concat(message("/noise"), ascii("rest"));
        ByteBuf in = Unpooled.buffer();
        for (int i = 0; i < message("/noise").length; i++) {
            assertThat(MultistreamCodec.readMessage(in)).isNull();
            assertThat(in.readerIndex()).isZero();
            in.writeByte(wire[i]);
        }
        in.writeBytes(ascii("rest"));
        assertThat(MultistreamCodec.readMessage(in).toString(StandardCharsets.UTF_8)).isEqualTo("/noise");
        assertThat(in.toString(StandardCharsets.UTF_8)).isEqualTo("rest");
        in.release();
    }

    @Test
    void readsTheHeaderOnlyOnceCompleteAndRefusesAnythingElseAtOnce() throws Exception {
        ByteBuf in = buf(Wire.HEADER, ascii("x"));
        assertThat(MultistreamCodec.readHeader(in.slice(0, 19))).isFalse();
        assertThat(MultistreamCodec.readHeader(in)).isTrue();
        assertThat(in.readableBytes()).isEqualTo(1);
        in.release();

        assertHeaderRefused(ascii("G"));
        assertHeaderRefused(message("/multistream/2.0.0"));
        assertHeaderRefused(concat(new byte[] {(byte) 0x93, 0x00}, ascii("/multistream/1.0.0\n")));
    }

    @Test
    void refusesLengthsOverTheLimit() throws Exception {
        // 1024 is accepted, 1025 (0x81 0x08) is not, nor is a third varint byte.
        byte[] max = message("/" + "y".repeat(1022));
        assertThat(max[0]).isEqualTo((byte) 0x80);
        assertThat(max[1]).isEqualTo((byte) 0x08);
        ByteBuf ok = buf(max);
        assertThat(MultistreamCodec.readMessage(ok).readableBytes()).isEqualTo(1023);
        ok.release();

        assertMalformed(new byte[] {(byte) 0x81, 0x08}, "over 1024");
        assertMalformed(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}, "over 1024");
    }

    @Test
    void refusesBadFraming() {
        assertMalformed(new byte[] {0x00}, "empty");
        assertMalformed(new byte[] {(byte) 0x83, 0x00}, "minimally");
        assertMalformed(concat(new byte[] {0x03}, ascii("nax")), "newline");
        assertMalformed(concat(new byte[] {0x04}, ascii("a\nb\n")), "more than one line");
    }

    @Test
    void protocolIdsMustBeSendable() {
        assertThat(MultistreamCodec.protocolId("/ipfs/ping/1.0.0")).isEqualTo(ascii("/ipfs/ping/1.0.0"));
        assertThat(MultistreamCodec.protocolId("/" + "z".repeat(1022))).hasSize(1023);
        assertThatIllegalArgumentException().isThrownBy(() -> MultistreamCodec.protocolId(""));
        assertThatIllegalArgumentException().isThrownBy(() -> MultistreamCodec.protocolId("/a\n/b"));
        assertThatIllegalArgumentException().isThrownBy(() -> MultistreamCodec.protocolId("/" + "z".repeat(1023)));
    }

    private static void assertHeaderRefused(byte[] wire) {
        ByteBuf in = buf(wire);
        try {
            assertThatThrownBy(() -> MultistreamCodec.readHeader(in)).isInstanceOf(Malformed.class);
        } finally {
            in.release();
        }
    }

    private static void assertMalformed(byte[] wire, String reason) {
        ByteBuf in = buf(wire);
        try {
            assertThatThrownBy(() -> MultistreamCodec.readMessage(in))
                    .isInstanceOf(Malformed.class).hasMessageContaining(reason);
        } finally {
            in.release();
        }
    }
}
