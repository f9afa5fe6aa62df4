package io.peerflux.mux.mplex;

import static io.peerflux.mux.mplex.MplexPair.text;
import static io.peerflux.mux.mplex.MplexSessionTest.payload;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.peerflux.LimitExceededException;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The slow-reader policy of the package documentation, on two sessions back to back whose wire, like a socket,
 * holds what a side does not read while its {@code autoRead} is off.
 */
class MplexBackpressureTest {

    private static final MplexConfig DEFAULTS = MplexConfig.defaults();
    private static final int STREAM_MARK = DEFAULTS.maxStreamBuffer() / 2;

    @Test
    void anHonestSlowReaderPausesReadingAndIsNeverReset() {
        byte[] data = payload(1, 8 << 20);
        try (MplexPair pair = new MplexPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder writer = Recorder.consuming(out);
            out.write(Unpooled.wrappedBuffer(data));
            out.closeWrite();
            pair.exchange();
            Recorder reader = Recorder.holding(pair.serverInbound.get(0));
            int pauses = 0;
            long heldOnTheWire = 0;
            while (!reader.remoteClosed) {
                assertThat(reader.unconsumed).as("one message beyond the pause mark at most")
                        .isLessThanOrEqualTo(STREAM_MARK + MplexSession.MAX_SEND_PAYLOAD);
                if (!pair.serverChannel.config().isAutoRead()) {
                    pauses++;
                    heldOnTheWire = Math.max(heldOnTheWire, pair.onTheWireToServer());
                }
                reader.consume(256 * 1024);
                // A reader that keeps up a little each second never lets a pause last the stall timeout.
                pair.advance(Duration.ofSeconds(1));
                pair.exchange();
            }
            assertThat(reader.received.toByteArray()).isEqualTo(data);
            assertThat(reader.reset).isNull();
            assertThat(writer.reset).isNull();
            assertThat(pauses).as("reading paused for the reader").isGreaterThan(10);
            assertThat(heldOnTheWire).as("the sender was held back").isGreaterThan(4L << 20);
            reader.consume(Long.MAX_VALUE);
            pair.exchange();
            assertThat(pair.serverChannel.config().isAutoRead()).isTrue();
        }
    }

    @Test
    void aStreamNobodyReadsIsResetAfterTheStallAndTheOthersCarryOn() {
        try (MplexPair pair = new MplexPair()) {
            MuxedStream flood = pair.openClientStream();
            Recorder flooder = Recorder.consuming(flood);
            MuxedStream other = pair.openClientStream();
            Recorder otherClient = Recorder.consuming(other);
            pair.exchange();
            Recorder unread = Recorder.holding(pair.serverInbound.get(0));
            Recorder otherServer = Recorder.consuming(pair.serverInbound.get(1));

            flood.write(Unpooled.wrappedBuffer(new byte[8 << 20]));
            flood.flush();
            other.write(text("behind the flood"));
            other.flush();
            pair.exchange();
            assertThat(pair.serverChannel.config().isAutoRead()).isFalse();
            assertThat(unread.unconsumed).isGreaterThan(STREAM_MARK)
                    .isLessThanOrEqualTo(STREAM_MARK + MplexSession.MAX_SEND_PAYLOAD);
            assertThat(otherServer.size()).as("head-of-line blocking").isZero();

            pair.advance(DEFAULTS.readStallTimeout().minusMillis(1));
            pair.exchange();
            assertThat(unread.reset).isNull();
            pair.advance(Duration.ofMillis(1));
            pair.exchange();

            assertThat(unread.reset).isInstanceOf(StreamResetException.class)
                    .cause().isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.scope())
                            .isEqualTo("mplex stream receive buffer unread for " + DEFAULTS.readStallTimeout()));
            assertThat(flooder.reset).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.remote()).isTrue());
            assertThat(otherServer.text()).isEqualTo("behind the flood");
            assertThat(pair.serverChannel.config().isAutoRead()).isTrue();
            assertThat(pair.server.streamCount()).isOne();
            pair.serverInbound.get(1).write(text("still here"));
            pair.serverInbound.get(1).flush();
            pair.exchange();
            assertThat(otherClient.text()).isEqualTo("still here");
            assertThat(pair.serverChannel.isOpen()).isTrue();
        }
    }

    @Test
    void aTransportThatKeepsDeliveringMeetsTheHardCap() {
        try (MplexPair pair = new MplexPair()) {
            pair.ignoreAutoRead = true;
            MuxedStream flood = pair.openClientStream();
            Recorder flooder = Recorder.consuming(flood);
            MuxedStream other = pair.openClientStream();
            pair.exchange();
            Recorder unread = Recorder.holding(pair.serverInbound.get(0));
            Recorder otherServer = Recorder.consuming(pair.serverInbound.get(1));

            flood.write(Unpooled.wrappedBuffer(new byte[8 << 20]));
            flood.flush();
            pair.exchange();
            assertThat(unread.maxUnconsumed).isLessThanOrEqualTo(DEFAULTS.maxStreamBuffer())
                    .isGreaterThan(DEFAULTS.maxStreamBuffer() - MplexSession.MAX_SEND_PAYLOAD);
            assertThat(unread.reset).isInstanceOf(StreamResetException.class)
                    .cause().isInstanceOfSatisfying(LimitExceededException.class, e -> {
                        assertThat(e.scope()).isEqualTo("mplex stream receive buffer");
                        assertThat(e.limit()).isEqualTo(DEFAULTS.maxStreamBuffer());
                    });
            assertThat(flooder.reset).isInstanceOf(StreamResetException.class);

            other.write(text("fine"));
            other.flush();
            pair.exchange();
            assertThat(otherServer.text()).isEqualTo("fine");
            assertThat(pair.serverChannel.isOpen()).isTrue();
        }
    }

    @Test
    void theConnectionBufferPausesReadingAcrossStreamsAndItsLargestHolderGoesFirst() {
        // Stream mark 1 MiB, connection mark 2 MiB: three streams below their own mark add up beyond it.
        MplexConfig small = MplexConfig.defaults().withMaxStreamBuffer(MplexConfig.MIN_STREAM_BUFFER)
                .withMaxConnectionBuffer(4 << 20);
        try (MplexPair pair = new MplexPair(MplexConfig.defaults(), small)) {
            MuxedStream[] out = new MuxedStream[3];
            for (int i = 0; i < 3; i++) {
                out[i] = pair.openClientStream();
                Recorder.consuming(out[i]);
            }
            pair.exchange();
            Recorder[] in = new Recorder[3];
            for (int i = 0; i < 3; i++) {
                in[i] = Recorder.holding(pair.serverInbound.get(i));
            }
            out[0].write(Unpooled.wrappedBuffer(new byte[1000 << 10]));
            out[0].closeWrite();
            out[1].write(Unpooled.wrappedBuffer(new byte[600 << 10]));
            out[1].closeWrite();
            out[2].write(Unpooled.wrappedBuffer(new byte[700 << 10]));
            out[2].closeWrite();
            pair.exchange();
            assertThat(pair.serverChannel.config().isAutoRead()).isFalse();
            assertThat(in[2].size()).as("paused inside the third stream's data").isLessThan(700 << 10);

            in[1].consume(Long.MAX_VALUE);
            pair.exchange();
            assertThat(in[2].size()).as("draining below the mark resumed reading").isEqualTo(700 << 10);
            assertThat(in[2].remoteClosed).isTrue();

            MuxedStream fourth = pair.openClientStream();
            fourth.write(Unpooled.wrappedBuffer(new byte[600 << 10]));
            fourth.flush();
            pair.exchange();
            assertThat(pair.serverChannel.config().isAutoRead()).isFalse();
            pair.advance(small.readStallTimeout());
            pair.exchange();
            assertThat(in[0].reset).as("the largest holder").isInstanceOf(StreamResetException.class)
                    .cause().isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.scope())
                            .startsWith("mplex connection receive buffer"));
            assertThat(in[1].reset).isNull();
            assertThat(in[2].reset).isNull();
            assertThat(Recorder.holding(pair.serverInbound.get(3)).size()).isEqualTo(600 << 10);
            assertThat(pair.serverChannel.config().isAutoRead()).isTrue();
        }
    }
}
