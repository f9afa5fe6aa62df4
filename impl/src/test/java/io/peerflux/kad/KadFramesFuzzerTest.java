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
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz target: {@link KadFrames#push}, given the input in pieces of a size its first byte chooses, returns
 * messages that, framed again, read back the same, or throws a stream-scoped
 * {@link ProtocolViolationException}. See docs/fuzzing.md.
 */
class KadFramesFuzzerTest {

    private static final int MAX_MESSAGE = 300;

    @FuzzTest
    void fuzz(byte[] input) {
        byte[] data = FuzzFeed.data(input);
        int size = FuzzFeed.readSize(input);
        KadFrames frames = new KadFrames(MAX_MESSAGE, "/ipfs/kad/1.0.0");
        List<byte[]> decoded = new ArrayList<>();
        for (int at = 0; at < data.length; at += size) {
            ByteBuf piece = Unpooled.wrappedBuffer(data, at, Math.min(size, data.length - at));
            try {
                List<byte[]> messages = frames.push(piece);
                assertThat(piece.isReadable()).as("push reads all it is given").isFalse();
                for (byte[] message : messages) {
                    assertThat(message.length).isLessThanOrEqualTo(MAX_MESSAGE);
                    decoded.add(message);
                }
            } catch (ProtocolViolationException rejected) {
                assertThat(rejected.scope()).isEqualTo(ProtocolViolationException.Scope.STREAM);
                break;
            } finally {
                piece.release();
            }
        }
        // Length prefixes need not be minimal (see KadFramesTest), so the input is not the re-framing byte for
        // byte; but the messages re-framed come back the same, in one piece.
        ByteArrayOutputStream reframed = new ByteArrayOutputStream();
        for (byte[] message : decoded) {
            ByteBuf frame = KadFrames.frame(message);
            reframed.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(frame));
            frame.release();
        }
        ByteBuf all = Unpooled.wrappedBuffer(reframed.toByteArray());
        try {
            List<byte[]> again = new KadFrames(MAX_MESSAGE, "/ipfs/kad/1.0.0").push(all);
            assertThat(again).hasSameSizeAs(decoded);
            for (int i = 0; i < again.size(); i++) {
                assertThat(again.get(i)).isEqualTo(decoded.get(i));
            }
        } finally {
            all.release();
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
