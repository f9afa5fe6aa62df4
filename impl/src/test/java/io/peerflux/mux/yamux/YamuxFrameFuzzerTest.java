package io.peerflux.mux.yamux;

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
 * Jazzer fuzz target: {@link YamuxFrameDecoder}, fed the input in reads of a size its first byte chooses, emits
 * headers and payload slices that re-encode to exactly the bytes it consumed, or fails with a connection-scoped
 * {@link ProtocolViolationException}; it releases every read. See docs/fuzzing.md.
 */
class YamuxFrameFuzzerTest {

    private static final int MAX_DATA = 1024;

    @FuzzTest
    void fuzz(byte[] input) {
        byte[] data = FuzzFeed.data(input);
        FuzzFeed.feed(new EmbeddedChannel(new YamuxFrameDecoder(MAX_DATA)), input, ProtocolViolationException.class,
                result -> {
                    ByteBuf reencoded = Unpooled.buffer();
                    try {
                        int payloadLeft = 0;
                        for (Object message : result.messages()) {
                            if (message instanceof YamuxFrame frame) {
                                assertThat(payloadLeft).as("payload missing before the next header").isZero();
                                YamuxFrameEncoder.writeHeader(frame, reencoded);
                                payloadLeft = frame.type() == YamuxFrame.Type.DATA ? frame.length() : 0;
                                assertThat(payloadLeft).isBetween(0, MAX_DATA);
                            } else {
                                ByteBuf slice = (ByteBuf) message;
                                assertThat(slice.readableBytes()).isPositive().isLessThanOrEqualTo(payloadLeft);
                                payloadLeft -= slice.readableBytes();
                                reencoded.writeBytes(slice, slice.readerIndex(), slice.readableBytes());
                            }
                        }
                        byte[] consumed = new byte[reencoded.readableBytes()];
                        reencoded.readBytes(consumed);
                        assertThat(consumed).isEqualTo(Arrays.copyOf(data, consumed.length));
                        if (result.failure() != null) {
                            assertThat(((ProtocolViolationException) result.failure()).scope())
                                    .isEqualTo(ProtocolViolationException.Scope.CONNECTION);
                        } else if (payloadLeft == 0) {
                            assertThat(data.length - consumed.length).as("an unread complete header")
                                    .isLessThan(YamuxFrame.HEADER_LENGTH);
                        } else {
                            assertThat(consumed.length).as("payload bytes left unread").isEqualTo(data.length);
                        }
                    } finally {
                        reencoded.release();
                    }
                });
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        ByteBuf wire = Unpooled.buffer();
        try {
            YamuxFrameEncoder.writeHeader(YamuxFrame.windowUpdate(YamuxFrame.SYN, 1, 1000), wire);
            YamuxFrameEncoder.writeHeader(YamuxFrame.data(0, 1, 5), wire);
            wire.writeBytes(new byte[] {'h', 'e', 'l', 'l', 'o'});
            YamuxFrameEncoder.writeHeader(YamuxFrame.ping(YamuxFrame.SYN, 7), wire);
            YamuxFrameEncoder.writeHeader(YamuxFrame.data(YamuxFrame.FIN, 1, 0), wire);
            YamuxFrameEncoder.writeHeader(YamuxFrame.goAway(YamuxFrame.GO_AWAY_PROTOCOL_ERROR), wire);
            byte[] frames = io.netty.buffer.ByteBufUtil.getBytes(wire);
            for (int readSize : new int[] {1, 7, 64}) {
                byte[] seed = new byte[frames.length + 1];
                seed[0] = (byte) (readSize - 1);
                System.arraycopy(frames, 0, seed, 1, frames.length);
                seeds.add(target, "frames-read" + readSize, seed);
            }
        } finally {
            wire.release();
        }
        seeds.verifyOrWrite();
    }
}
