package io.peerflux.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.ConnectionClosedException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.multiformats.Varint;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile input into a live session: messages that are mostly well-formed (so they reach deep into the state
 * machine, its buffer caps and its stall timer) mixed with garbage, against streams whose applications react in
 * every way. The session must either keep going or close with a typed cause; nothing may escape the pipeline, and
 * every buffer must be released.
 */
class MplexSessionFuzzTest {

    /** Small buffers, so that random input reaches the pause marks and the caps. */
    private static final MplexConfig CONFIG = MplexConfig.defaults().withMaxInboundStreams(4)
            .withMaxStreamBuffer(MplexConfig.MIN_STREAM_BUFFER).withMaxConnectionBuffer(3 << 20);

    @Property(tries = 300)
    void hostileInputNeverEscapesOrLeaks(@ForAll("wire") List<Object> input,
                                         @ForAll("reactions") List<Integer> reactions) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.freezeTime();
        List<Integer> pending = new ArrayList<>(reactions);
        List<Recorder> holders = new ArrayList<>();
        MuxerSession session = Mplex.create(CONFIG).start(channel, true, stream -> {
            Recorder holder = react(stream, pending.isEmpty() ? 1 : pending.remove(0), alloc);
            if (holder != null) {
                holders.add(holder);
            }
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
                channel.writeInbound(encode(alloc, new int[] {0, i, 0, 0, 100}, new long[] {i}));
            }
            long[] nextRemoteId = {3};
            int fed = 0;
            boolean pausedOnce = false;
            for (Object piece : input) {
                if (!channel.isOpen()) {
                    break;
                }
                fed++;
                if (piece instanceof Integer seconds) {
                    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
                    channel.runScheduledPendingTasks();
                } else if (piece instanceof int[] frame) {
                    channel.writeInbound(encode(alloc, frame, nextRemoteId)); // throws if anything escaped the pipeline
                } else {
                    channel.writeInbound(alloc.buffer().writeBytes((byte[]) piece));
                }
                channel.runPendingTasks();
                pausedOnce |= !channel.config().isAutoRead();
                if (fed % 7 == 0) {
                    holders.forEach(h -> h.consume(h.unconsumed / 2));
                }
                releaseOutbound(channel);
                for (Recorder holder : holders) {
                    assertThat(holder.unconsumed).isLessThanOrEqualTo(CONFIG.maxStreamBuffer());
                }
            }
            Statistics.label("session").collect(channel.isOpen() ? "kept going" : "closed");
            Statistics.label("reading paused").collect(pausedOnce);
            for (Recorder holder : holders) {
                Statistics.label("holding streams").collect(holder.reset == null ? "open"
                        : String.valueOf(holder.reset.getCause()).replaceAll("[0-9]+", "N"));
            }
            Statistics.label("pieces before the end").collect(fed < 5 ? "<5" : fed < 20 ? "5-19" : "20+");
            if (!channel.isOpen()) {
                Throwable cause = closeCause(session);
                Statistics.label("closed by").collect(String.valueOf(cause).replaceAll("[0-9]+", "N"));
                assertThat(cause == null || cause instanceof ProtocolViolationException)
                        .as("closed by %s", cause).isTrue();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory()).as("leaked bytes").isZero();
    }

    /** Reacts to an inbound stream; returns the recorder when it holds what arrives. */
    private static Recorder react(MuxedStream stream, int reaction, UnpooledByteBufAllocator alloc) {
        switch (reaction) {
            case 0 -> stream.reset();
            case 1 -> Recorder.consuming(stream);
            case 2 -> {
                return Recorder.holding(stream);
            }
            case 3 -> { } // never listened to: what arrives stays buffered until a reset or the connection's end
            default -> {
                Recorder.consuming(stream);
                stream.write(alloc.buffer().writeBytes("reply".getBytes(StandardCharsets.US_ASCII)));
                stream.closeWrite();
            }
        }
        return null;
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
     * Messages as {@code {flag, stream, rawStreamId, length, dataPercent}}, where {@code stream} 0-3 names the
     * remote's first four stream ids, 4-5 ours, and 6 takes {@code rawStreamId}; mixed with garbage {@code byte[]}s
     * and the passing of seconds ({@code Integer}).
     */
    @Provide
    Arbitrary<List<Object>> wire() {
        Arbitrary<Integer> flag = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(0)), Tuple.of(400, Arbitraries.of(1, 2)),
                Tuple.of(20, Arbitraries.of(3, 4)), Tuple.of(10, Arbitraries.of(5, 6)), Tuple.of(1, Arbitraries.just(7)));
        Arbitrary<Integer> stream = Arbitraries.frequencyOf(
                Tuple.of(160, Arbitraries.integers().between(0, 2)), Tuple.of(16, Arbitraries.just(3)),
                Tuple.of(40, Arbitraries.integers().between(4, 5)), Tuple.of(1, Arbitraries.just(6)));
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                Tuple.of(100, Arbitraries.integers().between(0, 64)),
                Tuple.of(100, Arbitraries.integers().between(200_000, MplexFrame.MAX_MESSAGE_SIZE)),
                Tuple.of(1, Arbitraries.integers().between(0, Integer.MAX_VALUE)));
        Arbitrary<Integer> dataPercent = Arbitraries.frequencyOf(
                Tuple.of(100, Arbitraries.just(100)), Tuple.of(1, Arbitraries.integers().between(0, 99)));
        Arbitrary<Object> frame = Combinators.combine(flag, stream, Arbitraries.integers().between(0, 1000), length,
                dataPercent).as((f, sel, raw, len, pct) -> new int[] {f, sel, raw, len, pct});
        Arbitrary<Object> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(b -> b);
        Arbitrary<Object> time = Arbitraries.integers().between(1, 6).map(s -> s);
        return Arbitraries.frequencyOf(Tuple.of(100, frame), Tuple.of(2, garbage), Tuple.of(10, time))
                .list().ofMinSize(10).ofMaxSize(60).withoutEdgeCases();
    }

    /**
     * Encodes a message spec of {@link #wire()}; it carries its data, or a cut of it. A NewStream mostly takes the
     * remote's next unused id.
     */
    private static ByteBuf encode(UnpooledByteBufAllocator alloc, int[] spec, long[] nextRemoteId) {
        int flag = spec[0];
        long streamId = switch (spec[1]) {
            case 0, 1, 2, 3 -> spec[1];
            case 4, 5 -> spec[1] - 4;
            default -> spec[2];
        };
        // Our streams are named by the receiver flags, the remote's by the initiator flags.
        if (spec[1] == 4 || spec[1] == 5) {
            flag = flag == 0 || flag == 7 ? flag : (flag + 1) / 2 * 2 - 1;
        } else if (spec[1] <= 3) {
            flag = flag == 7 ? flag : (flag + 1) / 2 * 2;
            if (flag == 0 && spec[2] % 10 != 0) {
                streamId = nextRemoteId[0]++; // mostly a new stream rather than a duplicate of an open one
            }
        }
        int length = spec[3];
        int data = (int) (Math.min(length, MplexFrame.MAX_MESSAGE_SIZE + 10L) * spec[4] / 100);
        ByteBuf out = alloc.buffer(20 + data);
        Varint.write(streamId << 3 | flag, out);
        Varint.write(length, out);
        // Filled with 0x0a, which a decoder that lost the framing after a cut reads as messages on stream 1.
        for (int i = 0; i < data; i++) {
            out.writeByte(0x0a);
        }
        return out;
    }

    @Provide
    Arbitrary<List<Integer>> reactions() {
        // Mostly applications that read slowly or not at all, which is where the buffer policy acts.
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)), Tuple.of(2, Arbitraries.just(1)),
                Tuple.of(4, Arbitraries.just(2)), Tuple.of(2, Arbitraries.just(3)), Tuple.of(1, Arbitraries.just(4)))
                .list().ofMaxSize(10);
    }
}
