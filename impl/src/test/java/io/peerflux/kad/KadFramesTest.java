package io.peerflux.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.ProtocolViolationException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class KadFramesTest {

    static final int MAX = 1_000;

    static KadFrames frames() {
        return new KadFrames(MAX, "/test/kad");
    }

    static byte[] framed(byte[] message) {
        ByteBuf buf = KadFrames.frame(message);
        try {
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }

    static List<byte[]> push(KadFrames frames, byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            List<byte[]> out = frames.push(in);
            assertThat(in.readableBytes()).isZero();
            return out;
        } finally {
            in.release();
        }
    }

    @Property(tries = 300)
    void messagesSplitAnywhereComeBackWholeAndInOrder(
            @ForAll @Size(max = 12) List<@Size(max = MAX) byte[]> messages, @ForAll long seed) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        messages.forEach(m -> stream.writeBytes(framed(m)));
        byte[] all = stream.toByteArray();
        Random random = new Random(seed);
        KadFrames frames = frames();
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < all.length) {
            int n = random.nextInt(4) == 0 ? random.nextInt(4) : random.nextInt(all.length - at + 1);
            n = Math.min(n, all.length - at);
            byte[] piece = new byte[n];
            System.arraycopy(all, at, piece, 0, n);
            out.addAll(push(frames, piece));
            at += n;
        }
        assertThat(out).containsExactlyElementsOf(messages);
        assertThat(frames.hasPartial()).isFalse();
    }

    @Test
    void aMessageOfExactlyTheLimitPasses() {
        KadFrames frames = frames();
        byte[] bytes = framed(new byte[MAX]);
        assertThat(push(frames, java.util.Arrays.copyOf(bytes, 10))).isEmpty();
        assertThat(frames.hasPartial()).isTrue();
        assertThat(push(frames, java.util.Arrays.copyOfRange(bytes, 10, bytes.length))).singleElement()
                .satisfies(m -> assertThat(m).hasSize(MAX));
    }

    @Test
    void aLengthOverTheLimitIsAViolationAsSoonAsItsPrefixArrives() {
        byte[] prefix = framed(new byte[MAX + 1]);
        assertThatThrownBy(() -> push(frames(), java.util.Arrays.copyOf(prefix, 2)))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void aLengthPrefixOverFiveBytesIsAViolation() {
        KadFrames frames = frames();
        assertThat(push(frames, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80})).isEmpty();
        assertThatThrownBy(() -> push(frames, new byte[] {(byte) 0x80}))
                .isInstanceOf(ProtocolViolationException.class);
        // Five bytes, the last one ending it: a (non-minimal) length of 3.
        byte[] five = {(byte) 0x83, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00, 7, 8, 9};
        assertThat(push(frames(), five)).singleElement().isEqualTo(new byte[] {7, 8, 9});
    }

    @Property(tries = 500)
    void randomBytesAreMessagesOrAViolation(@ForAll @Size(max = 3_000) byte[] bytes, @ForAll long seed) {
        KadFrames frames = frames();
        Random random = new Random(seed);
        try {
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(200));
                byte[] piece = java.util.Arrays.copyOfRange(bytes, at, at + n);
                for (byte[] m : push(frames, piece)) {
                    assertThat(m.length).isLessThanOrEqualTo(MAX);
                }
                at += n;
            }
        } catch (ProtocolViolationException expected) {
            // fine: the only way to refuse
        }
    }
}
