package io.peerflux.mux.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.ConnectionClosedException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;

/**
 * Hostile input into a live session: frames that are mostly well-formed (so they reach deep into the state
 * machine) mixed with garbage, against streams whose applications react in every way. The session must either keep
 * going or close with a typed cause; nothing may escape the pipeline, and every buffer must be released.
 */
class YamuxSessionFuzzTest {

    @Property(tries = 400)
    void hostileInputNeverEscapesOrLeaks(@ForAll("wire") List<Object> input, @ForAll boolean initiator,
                                         @ForAll("reactions") List<Integer> reactions) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        List<Integer> pending = new ArrayList<>(reactions);
        int[] opened = {0};
        MuxerSession session = Yamux.create(YamuxConfig.defaults().withMaxInboundStreams(4))
                .start(channel, initiator, stream -> {
                    opened[0]++;
                    react(stream, pending.isEmpty() ? 1 : pending.remove(0), alloc);
                });
        try {
            for (int i = 0; i < 2; i++) {
                MuxedStream local = session.openStream().block(Duration.ofSeconds(1));
                Recorder.consuming(local);
                local.write(alloc.buffer().writeBytes("local".getBytes(StandardCharsets.US_ASCII)));
                local.flush();
            }
            // The remote opens three streams properly, so that what follows reaches open streams.
            for (int i = 0; i < 3; i++) {
                channel.writeInbound(encode(alloc, new int[] {0, 1, YamuxFrame.SYN, i, 0, 0, 0}, initiator));
            }
            int fed = 0;
            for (Object piece : input) {
                if (!channel.isOpen()) {
                    break;
                }
                fed++;
                ByteBuf bytes = piece instanceof int[] frame
                        ? encode(alloc, frame, initiator)
                        : alloc.buffer().writeBytes((byte[]) piece);
                channel.writeInbound(bytes); // throws if anything escaped the pipeline
                releaseOutbound(channel);
            }
            Statistics.label("session").collect(channel.isOpen() ? "kept going" : "closed");
            Statistics.label("inbound streams").collect(opened[0]);
            Statistics.label("pieces before the end").collect(fed < 5 ? "<5" : fed < 20 ? "5-19" : "20+");
            if (!channel.isOpen()) {
                Throwable cause = closeCause(session);
                Statistics.label("closed by").collect(String.valueOf(cause).replaceAll("[0-9]+", "N"));
                assertThat(cause == null || cause instanceof ProtocolViolationException
                        || cause instanceof ConnectionClosedException).as("closed by %s", cause).isTrue();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory()).as("leaked bytes").isZero();
    }

    private static void react(MuxedStream stream, int reaction, UnpooledByteBufAllocator alloc) {
        switch (reaction) {
            case 0 -> stream.reset();
            case 1 -> Recorder.consuming(stream);
            case 2 -> Recorder.holding(stream);
            case 3 -> { } // never listened to: whatever arrives stays buffered until the connection closes
            default -> {
                Recorder.consuming(stream);
                stream.write(alloc.buffer().writeBytes("reply".getBytes(StandardCharsets.US_ASCII)));
                stream.closeWrite();
            }
        }
    }

    private static Throwable closeCause(MuxerSession session) {
        try {
            session.openStream().block(Duration.ofSeconds(1));
            throw new AssertionError("a closed session opened a stream");
        } catch (ConnectionClosedException e) {
            return e.getCause();
        }
    }

    private static void releaseOutbound(EmbeddedChannel channel) {
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Frames as {@code {version, type, flags, stream, rawStreamId, length, payloadPercent}}, where {@code stream}
     * 0-3 names the remote's first four stream ids, 4-5 this side's two, and 6 takes {@code rawStreamId}; mixed
     * with garbage {@code byte[]}s.
     */
    @Provide
    Arbitrary<List<Object>> wire() {
        Arbitrary<Integer> version = Arbitraries.frequencyOf(
                Tuple.of(300, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 255)));
        Arbitrary<Integer> type = Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.just(0)), Tuple.of(40, Arbitraries.just(1)),
                Tuple.of(10, Arbitraries.just(2)), Tuple.of(2, Arbitraries.just(3)),
                Tuple.of(1, Arbitraries.integers().between(4, 255).withoutEdgeCases()));
        Arbitrary<Integer> flags = Arbitraries.frequencyOf(
                Tuple.of(60, Arbitraries.just(0)), Tuple.of(1, Arbitraries.just(YamuxFrame.SYN)),
                Tuple.of(10, Arbitraries.of(YamuxFrame.ACK, YamuxFrame.FIN)),
                Tuple.of(1, Arbitraries.just(YamuxFrame.SYN | YamuxFrame.FIN)),
                Tuple.of(4, Arbitraries.just(YamuxFrame.RST)),
                Tuple.of(1, Arbitraries.integers().between(0, 0xFFFF)));
        Arbitrary<Integer> stream = Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.integers().between(0, 2)), Tuple.of(2, Arbitraries.just(3)),
                Tuple.of(15, Arbitraries.integers().between(4, 5)), Tuple.of(1, Arbitraries.just(6)));
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.integers().between(0, 64)),
                Tuple.of(3, Arbitraries.integers().between(60_000, 300_000)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> payloadPercent = Arbitraries.frequencyOf(
                Tuple.of(100, Arbitraries.just(100)), Tuple.of(1, Arbitraries.integers().between(0, 99)));
        Arbitrary<Object> frame = Combinators.combine(version, type, flags, stream, Arbitraries.integers(), length,
                payloadPercent).as((v, t, f, sel, raw, len, pct) -> new int[] {v, t, f, sel, raw, len, pct});
        Arbitrary<Object> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> b);
        return Arbitraries.frequencyOf(Tuple.of(100, frame), Tuple.of(1, garbage)).list().ofMaxSize(40)
                .withoutEdgeCases();
    }

    /** Encodes a frame spec of {@link #wire()}; a DATA frame carries its payload, or a cut of it. */
    private static ByteBuf encode(UnpooledByteBufAllocator alloc, int[] spec, boolean initiator) {
        int type = spec[1];
        int length = spec[5];
        int remoteFirst = initiator ? 2 : 1;
        int localFirst = initiator ? 1 : 2;
        int streamId = switch (spec[3]) {
            case 0, 1, 2, 3 -> remoteFirst + 2 * spec[3];
            case 4, 5 -> localFirst + 2 * (spec[3] - 4);
            default -> spec[4];
        };
        int payload = type == 0 && length >= 0 ? (int) (Math.min(length, 300_000L) * spec[6] / 100) : 0;
        return alloc.buffer(12 + payload).writeByte(spec[0]).writeByte(type).writeShort(spec[2]).writeInt(streamId)
                .writeInt(length).writeZero(payload);
    }

    @Provide
    Arbitrary<List<Integer>> reactions() {
        return Arbitraries.integers().between(0, 4).list().ofMaxSize(10);
    }
}
