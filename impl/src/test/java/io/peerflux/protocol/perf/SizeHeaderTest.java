package io.peerflux.protocol.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The 8-byte size is read whatever the split of the bytes, and never moves the buffer's reader index. */
class SizeHeaderTest {

    @Property
    void bigEndianSizeIsReadAcrossAnySplit(@ForAll long size, @ForAll @Size(max = 20) List<@IntRange(min = 0,
            max = 12) Integer> pieces, @ForAll @IntRange(max = 100) int trailing) {
        ByteBuf wire = Unpooled.wrappedBuffer(ByteBuffer.allocate(Long.BYTES + trailing).putLong(0, size));
        PerfServer.SizeHeader header = new PerfServer.SizeHeader();
        for (int piece : pieces) {
            feed(header, wire, Math.min(piece, wire.readableBytes()));
        }
        feed(header, wire, wire.readableBytes());
        assertThat(header.complete()).isTrue();
        assertThat(header.value()).isEqualTo(size);
        assertThat(header.read()).isEqualTo(8);
    }

    @Property
    void shortInputIsIncomplete(@ForAll @IntRange(max = 7) int length) {
        PerfServer.SizeHeader header = new PerfServer.SizeHeader();
        assertThat(header.take(Unpooled.wrappedBuffer(new byte[length]))).isFalse();
        assertThat(header.read()).isEqualTo(length);
    }

    private static void feed(PerfServer.SizeHeader header, ByteBuf wire, int length) {
        ByteBuf piece = wire.readSlice(length);
        int index = piece.readerIndex();
        boolean complete = header.take(piece);
        assertThat(piece.readerIndex()).isEqualTo(index);
        assertThat(complete).isEqualTo(header.complete());
    }
}
