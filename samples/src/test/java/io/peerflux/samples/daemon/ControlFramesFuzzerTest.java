package io.peerflux.samples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.peerflux.samples.daemon.ControlFrames.FrameException;
import io.peerflux.samples.daemon.pb.DaemonProtos.ConnectRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import io.peerflux.samples.daemon.pb.DaemonProtos.StreamOpenRequest;
import io.peerflux.testing.FuzzFeed;
import io.peerflux.testing.FuzzSeeds;
import org.junit.jupiter.api.Test;

/**
 * Jazzer fuzz target: the daemon's request reading as {@link ControlConnectionHandler} does it, arriving in reads of
 * a size the first byte chooses: {@link ControlFrames#read} waits ({@code null}, reader index untouched), returns a
 * frame, or throws {@link FrameException} (which ends the connection); each frame is a {@code Request} or an
 * {@link InvalidProtocolBufferException}, and a request re-framed with {@link ControlFrames#encode} reads back the
 * same. See docs/fuzzing.md.
 */
class ControlFramesFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) {
        byte[] data = FuzzFeed.data(input);
        int size = FuzzFeed.readSize(input);
        ByteBuf buffered = Unpooled.buffer();
        try {
            for (int at = 0; at < data.length; at += size) {
                buffered.writeBytes(data, at, Math.min(size, data.length - at));
                while (true) {
                    int start = buffered.readerIndex();
                    ByteBuf frame;
                    try {
                        frame = ControlFrames.read(buffered);
                    } catch (FrameException rejected) {
                        return; // the daemon answers with an ERROR and closes; the reader index is not promised
                    }
                    if (frame == null) {
                        assertThat(buffered.readerIndex()).isEqualTo(start);
                        break;
                    }
                    assertThat(frame.readableBytes()).isLessThanOrEqualTo(ControlFrames.MAX_MESSAGE_SIZE);
                    Request request;
                    try {
                        request = Request.parseFrom(frame.nioBuffer());
                    } catch (InvalidProtocolBufferException rejected) {
                        return; // the daemon answers with an ERROR and closes
                    }
                    assertReframes(request);
                    buffered.discardSomeReadBytes();
                }
            }
        } finally {
            buffered.release();
        }
    }

    private static void assertReframes(Request request) {
        ByteBuf framed = ControlFrames.encode(request, ByteBufAllocator.DEFAULT);
        try {
            ByteBuf frame = ControlFrames.read(framed);
            assertThat(frame).isNotNull();
            assertThat(framed.isReadable()).isFalse();
            assertThat(Request.parseFrom(frame.nioBuffer())).isEqualTo(request);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("a re-framed request does not parse", e);
        } finally {
            framed.release();
        }
    }

    /** The seed corpus: requests framed by {@link ControlFrames#encode} (docs/fuzzing.md). */
    @Test
    void seeds() {
        Request[] requests = {
            Request.newBuilder().setType(Request.Type.IDENTIFY).build(),
            Request.newBuilder().setType(Request.Type.CONNECT).setConnect(ConnectRequest.newBuilder()
                    .setPeer(ByteString.copyFrom(new byte[] {0x12, 0x20}).concat(ByteString.copyFrom(new byte[32])))
                    .addAddrs(ByteString.copyFrom(new byte[] {4, 127, 0, 0, 1, 6, 0x0f, (byte) 0xa1}))
                    .setTimeout(5)).build(),
            Request.newBuilder().setType(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
                    .setPeer(ByteString.copyFrom(new byte[34])).addProto("/echo/1.0.0")).build(),
        };
        ByteBuf wire = Unpooled.buffer();
        try {
            for (Request request : requests) {
                ByteBuf frame = ControlFrames.encode(request, ByteBufAllocator.DEFAULT);
                wire.writeBytes(frame);
                frame.release();
            }
            byte[] frames = ByteBufUtil.getBytes(wire);
            FuzzSeeds seeds = new FuzzSeeds();
            for (int readSize : new int[] {1, 9, 64}) {
                byte[] seed = new byte[frames.length + 1];
                seed[0] = (byte) (readSize - 1);
                System.arraycopy(frames, 0, seed, 1, frames.length);
                seeds.add(getClass().getName(), "requests-read" + readSize, seed);
            }
            seeds.verifyOrWrite();
        } finally {
            wire.release();
        }
    }
}
