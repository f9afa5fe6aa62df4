package io.peerflux.kad;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.ProtocolViolationException;
import io.peerflux.testing.FuzzFeed;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Jazzer fuzz target: {@link KadFrames#push}, given the input in pieces of a size its first byte chooses, returns
 * messages whose frames are exactly the bytes consumed, or throws a stream-scoped
 * {@link ProtocolViolationException}. See docs/fuzzing.md.
 */
class KadFramesFuzzerTest {

    private static final int MAX_MESSAGE = 300;

    @FuzzTest
    void fuzz(byte[] input) {
        byte[] data = FuzzFeed.data(input);
        int size = FuzzFeed.readSize(input);
        KadFrames frames = new KadFrames(MAX_MESSAGE, "/ipfs/kad/1.0.0");
        ByteArrayOutputStream reframed = new ByteArrayOutputStream();
        for (int at = 0; at < data.length; at += size) {
            ByteBuf piece = Unpooled.wrappedBuffer(data, at, Math.min(size, data.length - at));
            try {
                List<byte[]> messages = frames.push(piece);
                assertThat(piece.isReadable()).as("push reads all it is given").isFalse();
                for (byte[] message : messages) {
                    assertThat(message.length).isLessThanOrEqualTo(MAX_MESSAGE);
                    ByteBuf frame = KadFrames.frame(message);
                    reframed.writeBytes(Arrays.copyOfRange(frame.array(), frame.arrayOffset() + frame.readerIndex(),
                            frame.arrayOffset() + frame.writerIndex()));
                    frame.release();
                }
            } catch (ProtocolViolationException rejected) {
                assertThat(rejected.scope()).isEqualTo(ProtocolViolationException.Scope.STREAM);
                return;
            } finally {
                piece.release();
            }
            byte[] consumed = reframed.toByteArray();
            assertThat(consumed).isEqualTo(Arrays.copyOf(data, consumed.length));
        }
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        ByteBuf one = KadFrames.frame(new byte[] {8, 1});
        ByteBuf two = KadFrames.frame(new byte[200]);
        try {
            byte[] frames = io.netty.buffer.ByteBufUtil.getBytes(Unpooled.wrappedBuffer(one.retain(), two.retain()));
            for (int readSize : new int[] {1, 17, 64}) {
                byte[] seed = new byte[frames.length + 1];
                seed[0] = (byte) (readSize - 1);
                System.arraycopy(frames, 0, seed, 1, frames.length);
                seeds.add(target, "frames-read" + readSize, seed);
            }
        } finally {
            one.release(2);
            two.release(2);
        }
        seeds.verifyOrWrite();
    }
}
