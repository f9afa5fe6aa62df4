package io.peerflux.multiformats;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Jazzer fuzz target: both {@code Varint.read}s reject input with an {@link IllegalArgumentException} (position
 * unchanged), or the stream reader waits for more with {@code -1}, or both return the same value, whose encoding is
 * the bytes read. See docs/fuzzing.md.
 */
class VarintFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input);
        long value;
        try {
            value = Varint.read(in);
        } catch (IllegalArgumentException rejected) {
            assertThat(in.position()).isZero();
            assertThat(readFromByteBuf(input)).as("ByteBuf reader").isEqualTo("rejected");
            return;
        }
        assertThat(value).isNotNegative();
        assertThat(in.position()).isEqualTo(Varint.size(value));
        assertThat(Varint.encode(value)).isEqualTo(Arrays.copyOf(input, in.position()));
        assertThat(readFromByteBuf(input)).as("ByteBuf reader").isEqualTo(value + "@" + in.position());
    }

    private static String readFromByteBuf(byte[] input) {
        ByteBuf buf = Unpooled.wrappedBuffer(input);
        try {
            long value = Varint.read(buf);
            if (value == -1) {
                // The input ends inside the varint, which the array reader rejects.
                assertThat(buf.readerIndex()).isZero();
                return "rejected";
            }
            return value + "@" + buf.readerIndex();
        } catch (IllegalArgumentException rejected) {
            assertThat(buf.readerIndex()).isZero();
            return "rejected";
        } finally {
            buf.release();
        }
    }
}
