package io.peerflux.samples.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.peerflux.multiformats.Varint;
import io.peerflux.samples.daemon.ControlFrames.FrameException;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Varint-delimited control messages: whole, split, oversized, malformed, and random bytes. */
class ControlFramesTest {

    @Test
    void encodedMessageReadsBackAndLeavesWhatFollows() throws Exception {
        Request request = Request.newBuilder().setType(Request.Type.LIST_PEERS).build();
        ByteBuf in = ControlFrames.encode(request, ByteBufAllocator.DEFAULT).writeBytes(new byte[] {1, 2, 3});
        try {
            ByteBuf frame = ControlFrames.read(in);
            assertThat(Request.parseFrom(frame.nioBuffer())).isEqualTo(request);
            assertThat(in.readableBytes()).isEqualTo(3);
        } finally {
            in.release();
        }
    }

    @Test
    void incompleteFrameLeavesTheReaderIndexAlone() {
        ByteBuf in = Unpooled.buffer();
        Varint.write(300, in);
        in.writeBytes(new byte[299]);
        assertThat(ControlFrames.read(in)).isNull();
        assertThat(in.readerIndex()).isZero();
        in.writeByte(0);
        assertThat(ControlFrames.read(in).readableBytes()).isEqualTo(300);
    }

    @Test
    void lengthOverTheLimitFailsBeforeTheBodyArrives() {
        ByteBuf in = Unpooled.buffer();
        Varint.write(ControlFrames.MAX_MESSAGE_SIZE + 1, in);
        assertThatThrownBy(() -> ControlFrames.read(in)).isInstanceOf(FrameException.class)
                .hasMessageContaining("exceeds");
        ByteBuf atLimit = Unpooled.buffer();
        Varint.write(ControlFrames.MAX_MESSAGE_SIZE, atLimit);
        assertThat(ControlFrames.read(atLimit)).isNull();
    }

    @Test
    void overlongOrNonMinimalVarintFails() {
        assertThatThrownBy(() -> ControlFrames.read(Unpooled.wrappedBuffer(new byte[] {
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, 0x01}))).isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> ControlFrames.read(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x00})))
                .isInstanceOf(FrameException.class);
    }

    @Property(tries = 1000)
    void randomBytesGiveAFrameNothingOrATypedError(@ForAll @Size(max = 64) byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            ByteBuf frame = ControlFrames.read(in);
            if (frame == null) {
                assertThat(in.readerIndex()).isZero();
            } else {
                assertThat(in.readerIndex()).isEqualTo(Varint.size(frame.readableBytes()) + frame.readableBytes());
            }
        } catch (FrameException expected) {
            assertThat(expected).hasMessageNotContaining("null");
        }
    }
}
