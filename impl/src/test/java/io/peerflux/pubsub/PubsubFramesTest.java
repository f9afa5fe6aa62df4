package io.peerflux.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.peerflux.ProtocolViolationException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PubsubFramesTest {

    private static List<byte[]> pushAll(PubsubFrames frames, byte[] bytes, int readSize) {
        List<byte[]> out = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += readSize) {
            ByteBuf piece = Unpooled.wrappedBuffer(bytes, at, Math.min(readSize, bytes.length - at));
            try {
                out.addAll(frames.push(piece));
            } finally {
                piece.release();
            }
        }
        return out;
    }

    private static byte[] framed(byte[]... rpcs) {
        ByteBuf all = Unpooled.buffer();
        for (byte[] rpc : rpcs) {
            ByteBuf frame = PubsubFrames.frame(rpc);
            all.writeBytes(frame);
            frame.release();
        }
        byte[] out = ByteBufUtil.getBytes(all);
        all.release();
        return out;
    }

    @Test
    void readsRpcsSplitAcrossReadsOfAnySize() {
        byte[] bytes = framed(new byte[] {1, 2, 3}, new byte[200], new byte[0]);
        for (int readSize : new int[] {1, 2, 7, bytes.length}) {
            PubsubFrames frames = new PubsubFrames(300, "/meshsub/1.1.0");
            List<byte[]> rpcs = pushAll(frames, bytes, readSize);
            assertThat(rpcs).hasSize(3);
            assertThat(rpcs.get(0)).containsExactly(1, 2, 3);
            assertThat(rpcs.get(1)).hasSize(200);
            assertThat(rpcs.get(2)).isEmpty();
            assertThat(frames.hasPartial()).isFalse();
        }
    }

    @Test
    void holdsAnUnfinishedRpc() {
        PubsubFrames frames = new PubsubFrames(300, "/meshsub/1.1.0");
        byte[] bytes = framed(new byte[10]);
        assertThat(pushAll(frames, java.util.Arrays.copyOf(bytes, 5), 5)).isEmpty();
        assertThat(frames.hasPartial()).isTrue();
    }

    @Test
    void aLengthOverTheLimitFailsOnItsPrefixAlone() {
        PubsubFrames frames = new PubsubFrames(300, "/meshsub/1.1.0");
        byte[] prefixOnly = {(byte) 0xad, 0x02}; // 301
        assertThatThrownBy(() -> pushAll(frames, prefixOnly, 2))
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.scope()).isEqualTo(ProtocolViolationException.Scope.STREAM))
                .hasMessageContaining("301 bytes, limit 300");
    }

    @Test
    void aPrefixLongerThanFiveBytesFails() {
        PubsubFrames frames = new PubsubFrames(300, "/meshsub/1.1.0");
        byte[] prefix = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80};
        assertThatThrownBy(() -> pushAll(frames, prefix, 1)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("prefix too long");
    }
}
