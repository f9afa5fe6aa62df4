package io.peerflux.mux.mplex;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.ProtocolViolationException;
import io.peerflux.testing.FuzzFeed;
import java.util.Arrays;

/**
 * Jazzer fuzz target: {@link MplexFrameDecoder}, fed the input in reads of a size its first byte chooses, emits
 * headers and data slices that re-encode ({@link MplexFrameEncoder}) to exactly the bytes it consumed, or fails
 * with a connection-scoped {@link ProtocolViolationException}; it releases every read. See docs/fuzzing.md.
 */
class MplexFrameFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        byte[] data = FuzzFeed.data(input);
        FuzzFeed.feed(new EmbeddedChannel(new MplexFrameDecoder()), input, ProtocolViolationException.class,
                result -> {
                    EmbeddedChannel encoder = new EmbeddedChannel(MplexFrameEncoder.INSTANCE);
                    ByteBuf reencoded = Unpooled.buffer();
                    try {
                        int dataLeft = 0;
                        for (Object message : result.messages()) {
                            if (message instanceof MplexFrame frame) {
                                assertThat(dataLeft).as("data missing before the next header").isZero();
                                encoder.writeOutbound(frame);
                                ByteBuf header = encoder.readOutbound();
                                reencoded.writeBytes(header);
                                header.release();
                                dataLeft = frame.length();
                                assertThat(dataLeft).isBetween(0, MplexFrame.MAX_MESSAGE_SIZE);
                            } else {
                                ByteBuf slice = (ByteBuf) message;
                                assertThat(slice.readableBytes()).isPositive().isLessThanOrEqualTo(dataLeft);
                                dataLeft -= slice.readableBytes();
                                reencoded.writeBytes(slice, slice.readerIndex(), slice.readableBytes());
                            }
                        }
                        byte[] consumed = new byte[reencoded.readableBytes()];
                        reencoded.readBytes(consumed);
                        assertThat(consumed).isEqualTo(Arrays.copyOf(data, consumed.length));
                        if (result.failure() != null) {
                            assertThat(((ProtocolViolationException) result.failure()).scope())
                                    .isEqualTo(ProtocolViolationException.Scope.CONNECTION);
                        } else if (dataLeft == 0) {
                            assertThat(data.length - consumed.length).as("an unread complete header")
                                    .isLessThan(MplexFrame.MAX_HEADER_LENGTH + 10);
                        } else {
                            assertThat(consumed.length).as("data bytes left unread").isEqualTo(data.length);
                        }
                    } finally {
                        reencoded.release();
                        encoder.finishAndReleaseAll();
                    }
                });
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        EmbeddedChannel encoder = new EmbeddedChannel(MplexFrameEncoder.INSTANCE);
        ByteBuf wire = Unpooled.buffer();
        try {
            for (MplexFrame frame : new MplexFrame[] {MplexFrame.newStream(3), MplexFrame.message(3, true, 5),
                    MplexFrame.close(3, true), MplexFrame.message(1000, false, 0), MplexFrame.reset(1000, false)}) {
                encoder.writeOutbound(frame);
                ByteBuf header = encoder.readOutbound();
                wire.writeBytes(header);
                header.release();
                if (frame.flag().name().startsWith("MESSAGE")) {
                    wire.writeZero(frame.length());
                }
            }
            byte[] frames = io.netty.buffer.ByteBufUtil.getBytes(wire);
            for (int readSize : new int[] {1, 3, 64}) {
                byte[] seed = new byte[frames.length + 1];
                seed[0] = (byte) (readSize - 1);
                System.arraycopy(frames, 0, seed, 1, frames.length);
                seeds.add(target, "frames-read" + readSize, seed);
            }
        } finally {
            wire.release();
            encoder.finishAndReleaseAll();
        }
        seeds.verifyOrWrite();
    }
}
