package io.peerflux.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VarintTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The examples of multiformats/unsigned-varint's README, plus both ends of the range. */
    @ParameterizedTest
    @CsvSource({
        "0, 00",
        "1, 01",
        "127, 7f",
        "128, 8001",
        "255, ff01",
        "300, ac02",
        "16384, 808001",
        "9223372036854775807, ffffffffffffffff7f",
    })
    void specExamples(long value, String hex) {
        byte[] expected = HEX.parseHex(hex);
        assertThat(Varint.encode(value)).isEqualTo(expected);
        assertThat(Varint.size(value)).isEqualTo(expected.length);
        ByteBuffer in = ByteBuffer.wrap(expected);
        assertThat(Varint.read(in)).isEqualTo(value);
        assertThat(in.hasRemaining()).isFalse();
        ByteBuf buf = Unpooled.buffer();
        try {
            Varint.write(value, buf);
            assertThat(ByteBufUtil.getBytes(buf)).isEqualTo(expected);
            assertThat(Varint.read(buf)).isEqualTo(value);
            assertThat(buf.isReadable()).isFalse();
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectsNegativeValues() {
        assertThatThrownBy(() -> Varint.encode(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsigned");
        assertThatThrownBy(() -> Varint.size(Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "'', truncated",
        "80, truncated",
        "ff80, truncated",
        "8000, not minimally encoded",
        "ff8000, not minimally encoded",
        "808080808080808080, longer than 9 bytes",
        "ffffffffffffffff8001, longer than 9 bytes",
    })
    void byteBufferRejectsInvalidAndLeavesPosition(String hex, String message) {
        ByteBuffer in = ByteBuffer.wrap(HEX.parseHex(hex));
        assertThatThrownBy(() -> Varint.read(in)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        assertThat(in.position()).isZero();
    }

    @Test
    void byteBufWaitsForIncompleteVarint() {
        ByteBuf buf = Unpooled.buffer(2).writeByte(0xac);
        try {
            assertThat(Varint.read(buf)).isEqualTo(-1);
            assertThat(buf.readerIndex()).isZero();
            buf.writeByte(0x02);
            assertThat(Varint.read(buf)).isEqualTo(300);
            assertThat(buf.readerIndex()).isEqualTo(2);
            assertThat(Varint.read(buf)).isEqualTo(-1);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @CsvSource({"8000, not minimally encoded", "80808080808080808001, longer than 9 bytes", "808080808080808080, longer than 9 bytes"})
    void byteBufRejectsInvalidAndLeavesReaderIndex(String hex, String message) {
        ByteBuf buf = Unpooled.wrappedBuffer(HEX.parseHex(hex));
        try {
            assertThatThrownBy(() -> Varint.read(buf)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    @Property
    void roundTrips(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long value) {
        byte[] encoded = Varint.encode(value);
        assertThat(encoded).hasSize(Varint.size(value));
        assertThat(Varint.read(ByteBuffer.wrap(encoded))).isEqualTo(value);
    }

    @Property
    void byteBufWithPrefixOfValidVarintAsksForMore(@ForAll @LongRange(min = 128, max = Long.MAX_VALUE) long value) {
        byte[] encoded = Varint.encode(value);
        ByteBuf buf = Unpooled.wrappedBuffer(encoded, 0, encoded.length - 1);
        try {
            assertThat(Varint.read(buf)).isEqualTo(-1);
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    /** Arbitrary bytes either decode to a value that re-encodes to the bytes consumed, or are rejected. */
    @Property
    void arbitraryBytesDecodeCanonicallyOrFailCleanly(@ForAll byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long value;
        try {
            value = Varint.read(in);
        } catch (IllegalArgumentException expected) {
            assertThat(in.position()).isZero();
            return;
        }
        assertThat(Varint.encode(value)).isEqualTo(Arrays.copyOf(bytes, in.position()));
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            assertThat(Varint.read(buf)).isEqualTo(value);
        } finally {
            buf.release();
        }
    }
}
