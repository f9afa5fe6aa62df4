package io.peerflux.mux.yamux;

import static io.peerflux.mux.yamux.YamuxFrame.ACK;
import static io.peerflux.mux.yamux.YamuxFrame.FIN;
import static io.peerflux.mux.yamux.YamuxFrame.RST;
import static io.peerflux.mux.yamux.YamuxFrame.SYN;
import static io.peerflux.mux.yamux.YamuxPair.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.peerflux.ConnectionClosedException;
import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** Yamux sessions driven deterministically: two sessions back to back, or one session against hand-made frames. */
class YamuxSessionTest {

    private static final int WINDOW = YamuxConfig.INITIAL_WINDOW;
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    // ---- opening, data, closing ----

    @Test
    void clientStreamsHaveOddIdsAndServerStreamsEvenIds() {
        try (YamuxPair pair = new YamuxPair()) {
            assertThat(List.of(pair.openClientStream().id(), pair.openClientStream().id())).containsExactly("1", "3");
            MuxedStream fromServer = pair.server.openStream().block(TIMEOUT);
            assertThat(fromServer.id()).isEqualTo("2");
            assertThat(fromServer.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(pair.server.openStream().block(TIMEOUT).id()).isEqualTo("4");
        }
    }

    @Test
    void synRidesOnTheFirstFrameAndTheAcceptorAcksWithItsFirstFrame() {
        try (RawPeer client = new RawPeer(true)) {
            MuxedStream stream = client.session.openStream().block(TIMEOUT);
            assertThat(client.written()).as("nothing is sent before the first write").isEmpty();
            stream.write(text("hi"));
            stream.flush();
            assertThat(client.written()).containsExactly(YamuxFrame.data(SYN, 1, 2), "hi".getBytes());
            stream.write(text("!"));
            stream.flush();
            assertThat(client.writtenFrames()).containsExactly(YamuxFrame.data(0, 1, 1));
        }
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.data(SYN, 1, 2), "hi".getBytes());
            MuxedStream stream = server.inbound.get(0);
            assertThat(stream.direction()).isEqualTo(Direction.INBOUND);
            assertThat(server.written()).as("no ACK before the application answers").isEmpty();
            stream.write(text("yo"));
            stream.closeWrite();
            assertThat(server.written()).containsExactly(YamuxFrame.data(ACK, 1, 2), "yo".getBytes(),
                    YamuxFrame.windowUpdate(FIN, 1, 0));
        }
    }

    @Test
    void finGoesInItsOwnFrameAfterDataThatWaitedForWindow() {
        try (RawPeer client = new RawPeer(true)) {
            MuxedStream stream = client.session.openStream().block(TIMEOUT);
            stream.write(Unpooled.wrappedBuffer(new byte[WINDOW + 10]));
            stream.closeWrite();
            assertThat(client.writtenFrames()).as("the first window, no FIN while 10 bytes wait")
                    .allSatisfy(frame -> assertThat(frame.flags() & FIN).isZero());
            client.send(YamuxFrame.windowUpdate(ACK, 1, 10));
            // js-libp2p's yamux drops the payload of a DATA frame that carries FIN.
            assertThat(client.writtenFrames()).containsExactly(YamuxFrame.data(0, 1, 10),
                    YamuxFrame.windowUpdate(FIN, 1, 0));
        }
    }

    @Test
    void dataFlowsBothWaysAndDataBeforeListenIsReplayed() {
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(text("hello "));
            out.write(text("world"));
            out.flush();
            pair.exchange();
            MuxedStream in = pair.serverInbound.get(0);
            Recorder server = Recorder.consuming(in);
            assertThat(server.text()).isEqualTo("hello world");
            in.write(text("hi back"));
            in.flush();
            pair.exchange();
            assertThat(client.text()).isEqualTo("hi back");
            assertThat(pair.client.streamCount()).isEqualTo(1);
            assertThat(pair.server.streamCount()).isEqualTo(1);
        }
    }

    @Test
    void halfCloseLetsTheOtherSideFinishThenForgetsTheStream() {
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(text("request"));
            out.closeWrite();
            pair.exchange();
            MuxedStream in = pair.serverInbound.get(0);
            Recorder server = Recorder.consuming(in);
            assertThat(server.text()).isEqualTo("request");
            assertThat(server.remoteClosed).isTrue();
            assertThat(out.isWritable()).isFalse();
            ByteBuf late = text("too late");
            out.write(late);
            assertThat(late.refCnt()).as("a write after closeWrite is released").isZero();

            in.write(text("response"));
            in.closeWrite();
            pair.exchange();
            assertThat(client.text()).isEqualTo("response");
            assertThat(client.remoteClosed).isTrue();
            assertThat(client.reset).isNull();
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void remoteCloseIsReplayedAfterBufferedDataWhenListeningLate() {
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            out.write(text("all of it"));
            out.closeWrite();
            pair.exchange();
            MuxedStream in = pair.serverInbound.get(0);
            in.closeWrite();
            pair.exchange();
            assertThat(pair.server.streamCount()).as("held until the buffered data is delivered").isOne();
            Recorder server = Recorder.consuming(in);
            assertThat(server.text()).isEqualTo("all of it");
            assertThat(server.remoteClosed).isTrue();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void resetReachesTheRemoteAndReleasesQueuedDataBothWays() {
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(Unpooled.wrappedBuffer(new byte[WINDOW]));
            ByteBuf queued = Unpooled.wrappedBuffer(new byte[1000]);
            out.write(queued);
            out.flush();
            pair.exchange();
            MuxedStream in = pair.serverInbound.get(0);
            Recorder server = Recorder.holding(in);
            in.write(Unpooled.wrappedBuffer(new byte[10]));
            in.flush();
            pair.exchange();

            out.reset();
            assertThat(queued.refCnt()).as("queued for send window, released by reset").isZero();
            assertThat(client.reset).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.remote()).isFalse());
            pair.exchange();
            assertThat(server.reset).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.remote()).isTrue());
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
            ByteBuf afterReset = text("x");
            in.write(afterReset);
            assertThat(afterReset.refCnt()).isZero();
            in.reset();
            assertThat(pair.serverChannel.outboundMessages()).as("no RST for a stream already reset").isEmpty();
        }
    }

    @Test
    void resetOfAStreamNeverSentIsLocalOnly() {
        try (RawPeer client = new RawPeer(true)) {
            MuxedStream stream = client.session.openStream().block(TIMEOUT);
            Recorder recorder = Recorder.consuming(stream);
            stream.reset();
            assertThat(recorder.reset).isInstanceOf(StreamResetException.class);
            assertThat(client.written()).isEmpty();
            assertThat(client.session.streamCount()).isZero();
        }
    }

    @Test
    void dataAfterFinResetsOnlyThatStream() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.data(SYN | FIN, 1, 1), (byte) 1);
            server.send(YamuxFrame.data(SYN, 3, 0));
            Recorder first = Recorder.consuming(server.inbound.get(0));
            assertThat(first.remoteClosed).isTrue();
            server.send(YamuxFrame.data(0, 1, 2), (byte) 2, (byte) 3);
            assertThat(first.reset).isInstanceOf(StreamResetException.class)
                    .hasCauseInstanceOf(ProtocolViolationException.class);
            assertThat(server.writtenFrames()).containsExactly(YamuxFrame.windowUpdate(RST, 1, 0));
            assertThat(server.channel.isOpen()).isTrue();
            assertThat(server.session.streamCount()).isOne();
        }
    }

    // ---- flow control ----

    @Test
    void slowReaderStallsTheSenderAfterOneWindow() {
        byte[] data = new byte[8 << 20];
        new Random(1).nextBytes(data);
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder writer = Recorder.consuming(out);
            int sent = 0;
            Recorder reader = null;
            int round = 0;
            while (reader == null || reader.size() < data.length) {
                while (sent < data.length && out.isWritable()) {
                    int n = Math.min(16 * 1024, data.length - sent);
                    out.write(Unpooled.wrappedBuffer(data, sent, n));
                    out.flush();
                    sent += n;
                }
                if (sent == data.length) {
                    out.closeWrite();
                }
                out.flush();
                pair.exchange();
                if (reader == null) {
                    reader = Recorder.holding(pair.serverInbound.get(0));
                    assertThat(reader.unconsumed).as("the first window is all that arrives").isEqualTo(WINDOW);
                    assertThat(out.isWritable()).as("sender stalled").isFalse();
                }
                assertThat(reader.unconsumed).isLessThanOrEqualTo(WINDOW);
                long consumed = reader.size() - reader.unconsumed;
                assertThat(sent - consumed).as("handed to the muxer beyond what the reader consumed")
                        .isLessThanOrEqualTo(WINDOW + YamuxConfig.defaults().maxQueuedWriteBytes() + 16 * 1024);
                reader.consume(round++ % 3 == 0 ? 0 : 40 * 1024);
            }
            assertThat(reader.maxUnconsumed).isEqualTo(WINDOW);
            assertThat(reader.received.toByteArray()).isEqualTo(data);
            assertThat(reader.remoteClosed).isTrue();
            assertThat(writer.writableEvents).as("told when the window reopened").isPositive();
        }
    }

    @Test
    void unreadDataIsBoundedByTheWindowEvenWithoutAListener() {
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            int written = 0;
            while (out.isWritable()) {
                out.write(Unpooled.wrappedBuffer(new byte[32 * 1024]));
                out.flush();
                written += 32 * 1024;
            }
            out.flush();
            pair.exchange();
            assertThat(written).isEqualTo(WINDOW + YamuxConfig.defaults().maxQueuedWriteBytes());
            Recorder reader = Recorder.holding(pair.serverInbound.get(0));
            assertThat(reader.unconsumed).isEqualTo(WINDOW);
            reader.consume(WINDOW / 2 - 1);
            pair.exchange();
            assertThat(reader.unconsumed).as("no credit before half a window is consumed").isEqualTo(WINDOW / 2 + 1);
            reader.consume(1);
            pair.exchange();
            assertThat(reader.size()).as("the queued rest followed the window update").isEqualTo(written);
        }
    }

    @Test
    void theRoundTripIsMeasuredOnlyOnceAWindowCouldGrow() {
        for (YamuxConfig config : List.of(YamuxConfig.defaults(), RawPeer.FIXED_WINDOW)) {
            try (RawPeer server = new RawPeer(false, config)) {
                assertThat(server.written()).as("nothing before the first stream").isEmpty();
                server.send(YamuxFrame.data(SYN, 1, WINDOW / 2), new byte[WINDOW / 2]);
                Recorder.consuming(server.inbound.get(0));
                YamuxFrame update = YamuxFrame.windowUpdate(ACK, 1, WINDOW / 2);
                if (config.maxReceiveWindow() > WINDOW) {
                    assertThat(server.writtenFrames()).containsExactly(YamuxFrame.ping(SYN, 1), update);
                } else {
                    assertThat(server.writtenFrames()).containsExactly(update);
                }
            }
        }
    }

    @Test
    void windowGrowsForAReaderThatKeepsUpButNeverBeyondTheMaximum() {
        int max = 1 << 20;
        YamuxConfig config = YamuxConfig.defaults().withMaxReceiveWindow(max);
        try (YamuxPair pair = new YamuxPair(config, config)) {
            stopClocks(pair);
            MuxedStream out = pair.openClientStream();
            out.write(text("x"));
            out.flush();
            pair.exchange();
            Recorder reader = Recorder.holding(pair.serverInbound.get(0));
            byte[] chunk = new byte[16 * 1024];
            for (int round = 0; round < 200; round++) {
                while (out.isWritable()) {
                    out.write(Unpooled.wrappedBuffer(chunk));
                    out.flush();
                }
                out.flush();
                pair.exchange();
                assertThat(reader.unconsumed).isLessThanOrEqualTo(max);
                if (round < 100) {
                    reader.consume(Long.MAX_VALUE);
                }
            }
            assertThat(reader.maxUnconsumed).as("the window grew").isGreaterThan(WINDOW);
            assertThat(reader.unconsumed).isGreaterThan(max / 2);
        }
    }

    @Test
    void windowsGrowOnlyWithinTheConnectionsLimit() {
        YamuxConfig config = YamuxConfig.defaults().withMaxReceiveWindow(1 << 20)
                .withMaxConnectionReceiveWindow(3 * WINDOW);
        try (YamuxPair pair = new YamuxPair(config, config)) {
            stopClocks(pair);
            MuxedStream first = pair.openClientStream();
            MuxedStream second = pair.openClientStream();
            first.write(text("x"));
            second.write(text("x"));
            first.flush();
            pair.exchange();
            Recorder firstReader = Recorder.holding(pair.serverInbound.get(0));
            Recorder secondReader = Recorder.holding(pair.serverInbound.get(1));
            fillThenStopReading(pair, List.of(first, second), List.of(firstReader, secondReader));
            assertThat(growth(firstReader) + growth(secondReader)).as("all the connection allows").isEqualTo(WINDOW);
            assertThat(firstReader.unconsumed + secondReader.unconsumed).isLessThanOrEqualTo(3 * WINDOW);

            first.reset();
            pair.exchange();
            secondReader.consume(Long.MAX_VALUE);
            fillThenStopReading(pair, List.of(second), List.of(secondReader));
            assertThat(growth(secondReader)).as("with the first stream's growth given back").isEqualTo(2 * WINDOW);
            assertThat(secondReader.unconsumed).isLessThanOrEqualTo(3 * WINDOW);
        }
    }

    /**
     * Stops the pair's clocks: the round trip then measures as the shortest possible and no time passes between
     * window updates, so every reader counts as keeping up and windows grow as far as the limits allow.
     */
    private static void stopClocks(YamuxPair pair) {
        pair.clientChannel.freezeTime();
        pair.serverChannel.freezeTime();
    }

    private static int growth(Recorder reader) {
        return ((YamuxStream) reader.stream).windowGrowth();
    }

    /** Writes on every stream as long as it is writable while the readers keep up, then while they read nothing. */
    private static void fillThenStopReading(YamuxPair pair, List<MuxedStream> streams, List<Recorder> readers) {
        byte[] chunk = new byte[16 * 1024];
        for (int round = 0; round < 200; round++) {
            for (MuxedStream out : streams) {
                while (out.isWritable()) {
                    out.write(Unpooled.wrappedBuffer(chunk));
                }
                out.flush();
            }
            pair.exchange();
            if (round < 100) {
                readers.forEach(reader -> reader.consume(Long.MAX_VALUE));
            }
        }
    }

    @Test
    void writesAreSplitIntoFramesThatFitOneNoiseMessage() {
        try (RawPeer client = new RawPeer(true)) {
            MuxedStream stream = client.session.openStream().block(TIMEOUT);
            stream.write(Unpooled.wrappedBuffer(new byte[200_000]));
            stream.flush();
            List<YamuxFrame> frames = client.writtenFrames();
            assertThat(frames).extracting(YamuxFrame::length).containsExactly(YamuxSession.MAX_SEND_PAYLOAD,
                    YamuxSession.MAX_SEND_PAYLOAD, YamuxSession.MAX_SEND_PAYLOAD,
                    200_000 - 3 * YamuxSession.MAX_SEND_PAYLOAD);
            assertThat(YamuxSession.MAX_SEND_PAYLOAD + YamuxFrame.HEADER_LENGTH + 16).isEqualTo(65535);
        }
    }

    @Test
    void aWindowUpdateWithTheSynEnlargesTheSendWindow() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.windowUpdate(SYN, 1, WINDOW));
            MuxedStream stream = server.inbound.get(0);
            stream.write(Unpooled.wrappedBuffer(new byte[2 * WINDOW + 1]));
            stream.flush();
            assertThat(server.writtenFrames().stream().mapToLong(YamuxFrame::length).sum()).isEqualTo(2L * WINDOW);
            server.send(YamuxFrame.windowUpdate(0, 1, 1));
            assertThat(server.writtenFrames()).containsExactly(YamuxFrame.data(0, 1, 1));
        }
    }

    @Test
    void sendWindowOverflowIsAProtocolError() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.windowUpdate(SYN, 1, -1));
            assertGoAwayProtocolError(server);
        }
    }

    @Test
    void listenerHearsWhenTheConnectionIsWritableAgain() {
        try (RawPeer client = new RawPeer(true)) {
            MuxedStream stream = client.session.openStream().block(TIMEOUT);
            Recorder recorder = Recorder.consuming(stream);
            client.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            client.channel.runPendingTasks();
            assertThat(stream.isWritable()).isFalse();
            assertThat(recorder.writableEvents).isZero();
            client.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
            client.channel.runPendingTasks();
            assertThat(stream.isWritable()).isTrue();
            assertThat(recorder.writableEvents).isOne();
        }
    }

    // ---- many streams and limits ----

    @Test
    void hundredConcurrentStreamsKeepTheirDataApart() {
        try (YamuxPair pair = new YamuxPair()) {
            List<Recorder> clients = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                MuxedStream out = pair.openClientStream();
                clients.add(Recorder.consuming(out));
                out.write(Unpooled.wrappedBuffer(payload(i, 10_000 + i)));
                out.closeWrite();
            }
            pair.exchange();
            assertThat(pair.serverInbound).hasSize(100);
            for (MuxedStream in : pair.serverInbound) {
                Recorder server = Recorder.consuming(in);
                assertThat(server.remoteClosed).isTrue();
                in.write(Unpooled.wrappedBuffer(reversed(server.received.toByteArray())));
                in.closeWrite();
            }
            pair.exchange();
            for (int i = 0; i < 100; i++) {
                assertThat(clients.get(i).received.toByteArray()).isEqualTo(reversed(payload(i, 10_000 + i)));
                assertThat(clients.get(i).remoteClosed).isTrue();
            }
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void streamsBeyondTheInboundLimitAreReset() {
        try (YamuxPair pair = new YamuxPair(RawPeer.FIXED_WINDOW, RawPeer.FIXED_WINDOW.withMaxInboundStreams(2))) {
            List<Recorder> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MuxedStream out = pair.openClientStream();
                clients.add(Recorder.consuming(out));
                out.write(text("hello"));
                out.flush();
            }
            pair.exchange();
            assertThat(pair.serverInbound).hasSize(2);
            assertThat(clients.get(0).reset).isNull();
            assertThat(clients.get(1).reset).isNull();
            assertThat(clients.get(2).reset).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.remote()).isTrue());
            assertThat(pair.serverChannel.isOpen()).isTrue();
            pair.serverInbound.get(0).reset();
            pair.exchange();
            MuxedStream again = pair.openClientStream();
            again.write(text("room again"));
            again.flush();
            pair.exchange();
            assertThat(pair.serverInbound).hasSize(3);
        }
    }

    @Test
    void openingBeyondTheOutboundLimitFails() {
        try (YamuxPair pair = new YamuxPair(RawPeer.FIXED_WINDOW.withMaxOutboundStreams(1), RawPeer.FIXED_WINDOW)) {
            pair.openClientStream();
            assertThatThrownBy(pair::openClientStream).isInstanceOfSatisfying(LimitExceededException.class, e -> {
                assertThat(e.current()).isOne();
                assertThat(e.limit()).isOne();
            });
        }
    }

    @Test
    void unacknowledgedStreamsHoldFurtherOpensUntilAnAck() {
        try (YamuxPair pair = new YamuxPair()) {
            for (int i = 0; i < YamuxSession.MAX_ACK_BACKLOG; i++) {
                MuxedStream out = pair.openClientStream();
                out.write(text("?"));
                out.flush();
            }
            pair.exchange();
            AtomicReference<MuxedStream> waiting = new AtomicReference<>();
            Disposable subscription = pair.client.openStream().subscribe(waiting::set);
            Disposable cancelled = pair.client.openStream().subscribe(s -> { throw new AssertionError("cancelled"); });
            assertThat(waiting.get()).isNull();
            cancelled.dispose();

            MuxedStream in = pair.serverInbound.get(0);
            in.write(text("!"));
            in.flush();
            pair.exchange();
            assertThat(waiting.get()).isNotNull();
            assertThat(pair.client.streamCount()).isEqualTo(YamuxSession.MAX_ACK_BACKLOG + 1);
            subscription.dispose();
        }
    }

    // ---- protocol errors ----

    @Test
    void dataBeyondTheReceiveWindowIsAProtocolError() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.data(SYN, 1, 200_000), new byte[200_000]);
            Recorder recorder = Recorder.holding(server.inbound.get(0));
            assertThat(server.channel.isOpen()).isTrue();
            server.send(YamuxFrame.data(0, 1, WINDOW - 200_000 + 1), new byte[WINDOW - 200_000 + 1]);
            assertGoAwayProtocolError(server);
            assertThat(recorder.reset).isInstanceOf(StreamResetException.class)
                    .hasCauseInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("connection closed");
        }
    }

    @Test
    void aFrameForAStreamNeverOpenedIsAProtocolError() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.data(0, 99, 3), (byte) 1, (byte) 2, (byte) 3);
            assertGoAwayProtocolError(server);
        }
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.windowUpdate(0, 2, 100));
            assertGoAwayProtocolError(server);
        }
    }

    @Test
    void aFrameForAClosedStreamIsIgnored() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.data(SYN, 1, 1), (byte) 1);
            server.inbound.get(0).reset();
            assertThat(server.writtenFrames()).containsExactly(YamuxFrame.windowUpdate(RST, 1, 0));
            server.send(YamuxFrame.data(0, 1, 3), (byte) 1, (byte) 2, (byte) 3);
            server.send(YamuxFrame.windowUpdate(ACK, 1, 1000));
            server.send(YamuxFrame.data(SYN, 3, 1), (byte) 4);
            assertThat(server.channel.isOpen()).isTrue();
            assertThat(server.written()).isEmpty();
            assertThat(server.inbound).hasSize(2);
        }
    }

    @Test
    void aDuplicateSynIsAProtocolError() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.windowUpdate(SYN, 1, 0));
            ByteBuf duplicate = RawPeer.encode(YamuxFrame.data(SYN, 1, 1), (byte) 1);
            server.channel.writeInbound(duplicate);
            assertGoAwayProtocolError(server);
            assertThat(duplicate.refCnt()).as("the payload after the bad header is released").isZero();
        }
    }

    @Test
    void aSynWithThisSidesParityIsAProtocolError() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.windowUpdate(SYN, 2, 0));
            assertGoAwayProtocolError(server);
        }
    }

    @Test
    void aStreamFrameOnTheSessionIdIsAProtocolError() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.data(SYN, 0, 0));
            assertGoAwayProtocolError(server);
        }
    }

    @Test
    void malformedHeadersCloseTheConnectionWithAGoAway() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.data(SYN, 1, 0));
            Recorder recorder = Recorder.consuming(server.inbound.get(0));
            server.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 9, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}));
            assertGoAwayProtocolError(server);
            assertThat(recorder.reset).hasCauseInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void pingsAndRejectionsWhileNotReadingAreAFlood() {
        try (RawPeer server = new RawPeer(false)) {
            server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            for (int i = 0; i < YamuxSession.MAX_REPLIES_WHILE_BLOCKED; i++) {
                server.send(YamuxFrame.ping(SYN, i));
            }
            assertThat(server.channel.isOpen()).isTrue();
            server.send(YamuxFrame.ping(SYN, -1));
            assertThat(server.channel.isOpen()).isFalse();
        }
    }

    // ---- ping, GoAway, close ----

    @Test
    void whatABatchOfReadsCausesIsFlushedOnceAtItsEnd() {
        try (RawPeer server = new RawPeer(false)) {
            AtomicInteger flushes = new AtomicInteger();
            server.channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                @Override
                public void flush(ChannelHandlerContext ctx) {
                    flushes.incrementAndGet();
                    ctx.flush();
                }
            });
            // One batch: EmbeddedChannel fires channelRead for each, then channelReadComplete once.
            server.channel.writeInbound(RawPeer.encode(YamuxFrame.ping(SYN, 1)), RawPeer.encode(YamuxFrame.ping(SYN, 2)),
                    RawPeer.encode(YamuxFrame.ping(SYN, 3)));
            assertThat(flushes).hasValue(1);
            assertThat(server.writtenFrames()).containsExactly(YamuxFrame.ping(ACK, 1), YamuxFrame.ping(ACK, 2),
                    YamuxFrame.ping(ACK, 3));
            server.send(YamuxFrame.ping(SYN, 4));
            assertThat(flushes).hasValue(2);
        }
    }

    @Test
    void answersPingsWithTheSameOpaqueValue() {
        try (RawPeer server = new RawPeer(false)) {
            server.send(YamuxFrame.ping(SYN, 0xDEADBEEF));
            server.send(YamuxFrame.ping(ACK, 7));
            assertThat(server.writtenFrames()).containsExactly(YamuxFrame.ping(ACK, 0xDEADBEEF));
        }
    }

    @Test
    void keepAliveClosesAConnectionThatStopsAnswering() {
        YamuxConfig config = RawPeer.FIXED_WINDOW.withKeepAliveInterval(Duration.ofSeconds(1));
        try (RawPeer client = new RawPeer(true, config)) {
            client.channel.freezeTime();
            client.channel.advanceTimeBy(1, TimeUnit.SECONDS);
            client.channel.runScheduledPendingTasks();
            assertThat(client.writtenFrames()).containsExactly(YamuxFrame.ping(SYN, 1));
            client.send(YamuxFrame.ping(ACK, 1));
            client.channel.advanceTimeBy(1, TimeUnit.SECONDS);
            client.channel.runScheduledPendingTasks();
            assertThat(client.writtenFrames()).containsExactly(YamuxFrame.ping(SYN, 2));
            assertThat(client.channel.isOpen()).isTrue();
            client.channel.advanceTimeBy(1, TimeUnit.SECONDS);
            client.channel.runScheduledPendingTasks();
            assertThat(client.channel.isOpen()).isFalse();
        }
    }

    @Test
    void goAwayStopsNewStreamsButExistingOnesFinish() {
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(text("before"));
            out.flush();
            pair.exchange();
            pair.serverChannel.writeAndFlush(YamuxFrame.goAway(YamuxFrame.GO_AWAY_NORMAL));
            pair.exchange();
            assertThatThrownBy(pair::openClientStream).isInstanceOf(ConnectionClosedException.class);
            MuxedStream in = pair.serverInbound.get(0);
            Recorder server = Recorder.consuming(in);
            out.write(text(" and after"));
            out.closeWrite();
            in.write(text("reply"));
            in.closeWrite();
            pair.exchange();
            assertThat(server.text()).isEqualTo("before and after");
            assertThat(client.text()).isEqualTo("reply");
            assertThat(client.remoteClosed).isTrue();
            assertThat(pair.clientChannel.isOpen()).isTrue();
        }
    }

    @Test
    void goAwayWithAnErrorCodeClosesTheConnection() {
        try (RawPeer client = new RawPeer(true)) {
            MuxedStream stream = client.session.openStream().block(TIMEOUT);
            Recorder recorder = Recorder.consuming(stream);
            client.send(YamuxFrame.goAway(YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
            assertThat(client.channel.isOpen()).isFalse();
            assertThat(recorder.reset).isInstanceOf(StreamResetException.class)
                    .hasCauseInstanceOf(ConnectionClosedException.class);
            assertThat(client.writtenFrames()).isEmpty();
        }
    }

    @Test
    void closeSendsGoAwayResetsStreamsAndCompletes() {
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(text("x"));
            out.flush();
            pair.exchange();
            Recorder server = Recorder.consuming(pair.serverInbound.get(0));
            pair.client.close().block(TIMEOUT);
            assertThat(pair.clientChannel.isOpen()).isFalse();
            assertThat(client.reset).isInstanceOf(StreamResetException.class).hasMessageContaining("connection closed");
            assertThat(pair.client.onClose().block(TIMEOUT)).isNull();
            assertThatThrownBy(pair::openClientStream).isInstanceOf(ConnectionClosedException.class);
            pair.exchange();
            assertThatThrownBy(() -> pair.server.openStream().block(TIMEOUT))
                    .as("the server heard the GoAway").isInstanceOf(ConnectionClosedException.class);
            assertThat(server.reset).isNull();
        }
    }

    @Test
    void connectionLossResetsStreamsAndReleasesQueuedData() {
        try (YamuxPair pair = new YamuxPair()) {
            MuxedStream out = pair.openClientStream();
            Recorder client = Recorder.consuming(out);
            out.write(Unpooled.wrappedBuffer(new byte[WINDOW]));
            ByteBuf queued = Unpooled.wrappedBuffer(new byte[100]);
            out.write(queued);
            out.flush();
            pair.exchange();
            MuxedStream unlistened = pair.serverInbound.get(0);
            pair.clientChannel.close();
            pair.serverChannel.close();
            assertThat(queued.refCnt()).isZero();
            assertThat(client.reset).isInstanceOf(StreamResetException.class);
            Recorder late = Recorder.consuming(unlistened);
            assertThat(late.size()).as("buffered data was released with the reset").isZero();
            assertThat(late.reset).isInstanceOf(StreamResetException.class);
            assertThat(pair.server.onClose().block(TIMEOUT)).isNull();
        }
    }

    // ---- helpers ----

    private static void assertGoAwayProtocolError(RawPeer peer) {
        List<YamuxFrame> frames = peer.writtenFrames();
        assertThat(frames).isNotEmpty();
        assertThat(frames.get(frames.size() - 1)).isEqualTo(YamuxFrame.goAway(YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
        assertThat(peer.channel.isOpen()).isFalse();
        assertThat(peer.session.streamCount()).isZero();
        assertThatThrownBy(() -> peer.session.openStream().block(TIMEOUT)).isInstanceOf(ConnectionClosedException.class)
                .hasCauseInstanceOf(ProtocolViolationException.class);
    }

    private static byte[] payload(int seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
