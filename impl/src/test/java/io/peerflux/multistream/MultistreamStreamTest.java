package io.peerflux.multistream;

import static io.peerflux.multistream.Wire.HEADER;
import static io.peerflux.multistream.Wire.LS;
import static io.peerflux.multistream.Wire.NA;
import static io.peerflux.multistream.Wire.ascii;
import static io.peerflux.multistream.Wire.buf;
import static io.peerflux.multistream.Wire.concat;
import static io.peerflux.multistream.Wire.drain;
import static io.peerflux.multistream.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerflux.Direction;
import io.peerflux.multistream.Multistream.Negotiated;
import io.peerflux.mux.MuxedStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.subscriber.TestSubscriber;
import reactor.util.function.Tuple2;

class MultistreamStreamTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> SPOKEN = List.of("/ipfs/id/1.0.0", "/echo/1.0.0");

    /** Its event loop runs everything synchronously on the test thread, and its clock drives the timeouts. */
    private final EmbeddedChannel clock = new EmbeddedChannel();

    {
        // Timeouts are driven by advanceTimeBy alone, never by how long the machine takes.
        clock.freezeTime();
    }
    private final EventLoop loop = clock.eventLoop();
    private final FakeMuxedStream stream = new FakeMuxedStream(loop, "3", Direction.OUTBOUND);

    @AfterEach
    void stopClock() {
        clock.finishAndReleaseAll();
        assertThat(stream.violations()).isEmpty();
    }

    private static TestSubscriber<Negotiated> accept(MuxedStream stream, Duration timeout) {
        TestSubscriber<Negotiated> result = TestSubscriber.create();
        Multistream.accept(stream, Set.copyOf(SPOKEN)::contains, () -> SPOKEN, timeout).subscribe(result);
        return result;
    }

    private static TestSubscriber<Negotiated> negotiate(MuxedStream stream, Duration timeout, String... protocols) {
        TestSubscriber<Negotiated> result = TestSubscriber.create();
        Multistream.negotiate(stream, List.of(protocols), timeout).subscribe(result);
        return result;
    }

    @Test
    void initiatorSendsHeaderAndProposalAtOnceAndReturnsWhatFollowsTheEcho() {
        TestSubscriber<Negotiated> result = negotiate(stream, TIMEOUT, "/ipfs/ping/1.0.0");
        assertThat(stream.takeFlushed()).isEqualTo(concat(HEADER, message("/ipfs/ping/1.0.0")));

        stream.receive(buf(HEADER, message("/ipfs/ping/1.0.0"), ascii("pong")));

        Negotiated negotiated = result.getReceivedOnNext().get(0);
        assertThat(negotiated.protocol()).isEqualTo("/ipfs/ping/1.0.0");
        assertThat(drain(negotiated.leftover())).isEqualTo(ascii("pong"));
        assertThat(stream.consumedBytes()).isEqualTo(HEADER.length + message("/ipfs/ping/1.0.0").length);
        assertThat(stream.isReset()).isFalse();
    }

    @Test
    void responderAnswersWhatWasSentBeforeItListened() {
        stream.receive(buf(HEADER, LS, message("/echo/1.0.0")));
        TestSubscriber<Negotiated> result = accept(stream, TIMEOUT);

        Negotiated negotiated = result.getReceivedOnNext().get(0);
        assertThat(negotiated.protocol()).isEqualTo("/echo/1.0.0");
        assertThat(negotiated.leftover().isReadable()).isFalse();
        byte[] listing = concat(new byte[] {(byte) (message("/ipfs/id/1.0.0").length
                + message("/echo/1.0.0").length + 1)}, message("/ipfs/id/1.0.0"), message("/echo/1.0.0"),
                ascii("\n"));
        assertThat(stream.takeFlushed()).isEqualTo(concat(HEADER, listing, message("/echo/1.0.0")));
    }

    @Test
    void bothSidesAgreeAndTheStreamCarriesTheProtocolAfterwards() {
        FakeMuxedStream[] pair = FakeMuxedStream.pair(loop);
        Collector received = new Collector();
        TestSubscriber<Negotiated> listener = TestSubscriber.create();
        Multistream.accept(pair[1], Set.copyOf(SPOKEN)::contains, () -> SPOKEN, TIMEOUT)
                .doOnNext(negotiated -> {
                    received.onData(negotiated.leftover());
                    pair[1].listen(received);
                })
                .subscribe(listener);
        TestSubscriber<Negotiated> dialer = TestSubscriber.create();
        Multistream.negotiate(pair[0], List.of("/echo/2.0.0", "/echo/1.0.0"), TIMEOUT)
                .doOnNext(negotiated -> pair[0].write(buf(ascii("hello"))))
                .subscribe(dialer);
        pair[0].flush();

        assertThat(dialer.getReceivedOnNext()).extracting(Negotiated::protocol).containsExactly("/echo/1.0.0");
        assertThat(listener.getReceivedOnNext()).extracting(Negotiated::protocol).containsExactly("/echo/1.0.0");
        assertThat(drain(dialer.getReceivedOnNext().get(0).leftover())).isEmpty();
        assertThat(received.bytes()).isEqualTo(ascii("hello"));
        assertThat(pair[1].consumedBytes()).isEqualTo(
                HEADER.length + message("/echo/2.0.0").length + message("/echo/1.0.0").length);
        assertThat(pair[0].consumedBytes()).isEqualTo(HEADER.length + NA.length + message("/echo/1.0.0").length);
        assertThat(pair[0].violations()).isEmpty();
        assertThat(pair[1].violations()).isEmpty();
    }

    @Test
    void refusedEverywhereFailsAndResets() {
        TestSubscriber<Negotiated> result = negotiate(stream, TIMEOUT, "/a", "/b");
        stream.receive(buf(HEADER, NA));
        assertThat(result.getTerminalSignal()).isNull();
        stream.receive(buf(NA));
        assertThat(result.expectTerminalError()).satisfies(Failures.notSupported());
        assertThat(stream.isReset()).isTrue();
        assertThat(stream.takeFlushed()).isEqualTo(concat(HEADER, message("/a"), message("/b")));
    }

    @Test
    void garbageFailsAndResets() {
        TestSubscriber<Negotiated> result = accept(stream, TIMEOUT);
        stream.receive(buf(ascii("GET / HTTP/1.1\r\n")));
        assertThat(result.expectTerminalError()).satisfies(Failures.malformed());
        assertThat(stream.isReset()).isTrue();
    }

    @Test
    void overLongMessageFailsAndResets() {
        TestSubscriber<Negotiated> result = accept(stream, TIMEOUT);
        stream.receive(buf(HEADER, new byte[] {(byte) 0x81, 0x08}));
        assertThat(result.expectTerminalError()).satisfies(Failures.malformed());
        assertThat(stream.isReset()).isTrue();
    }

    @Test
    void remoteCloseInTheMiddleOfAMessageFails() {
        TestSubscriber<Negotiated> result = accept(stream, TIMEOUT);
        stream.receive(buf(HEADER, new byte[] {7, '/', 'e'}));
        stream.receiveClose();
        assertThat(result.expectTerminalError()).satisfies(Failures.closed());
        assertThat(stream.isReset()).isTrue();
    }

    @Test
    void remoteResetFails() {
        TestSubscriber<Negotiated> result = negotiate(stream, TIMEOUT, "/a");
        stream.receive(buf(HEADER));
        stream.receiveReset();
        assertThat(result.expectTerminalError()).satisfies(Failures.closed());
    }

    @Test
    void silenceTimesOutAndResets() {
        TestSubscriber<Negotiated> result = accept(stream, Duration.ofMillis(50));
        stream.receive(buf(HEADER, new byte[] {7}));
        clock.advanceTimeBy(49, TimeUnit.MILLISECONDS);
        clock.runScheduledPendingTasks();
        assertThat(result.getTerminalSignal()).isNull();
        clock.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        clock.runScheduledPendingTasks();
        assertThat(result.expectTerminalError()).satisfies(Failures.timeout());
        assertThat(stream.isReset()).isTrue();
    }

    @Test
    void cancellingResets() {
        TestSubscriber<Negotiated> result = negotiate(stream, TIMEOUT, "/a");
        stream.receive(buf(HEADER, new byte[] {3, '/'}));
        result.cancel();
        assertThat(stream.isReset()).isTrue();
    }

    @Test
    void anEventTheNewOwnerDidNotTakeResetsTheStream() {
        TestSubscriber<Negotiated> result = negotiate(stream, TIMEOUT, "/a");
        stream.receive(buf(HEADER, message("/a")));
        result.getReceivedOnNext().get(0).leftover().release();
        assertThat(stream.isReset()).isFalse();

        stream.receive(buf(ascii("unclaimed")));
        assertThat(stream.isReset()).isTrue();
    }

    @Test
    void runsOnTheStreamsEventLoopWhoeverSubscribes() throws InterruptedException {
        DefaultEventLoop other = new DefaultEventLoop();
        try {
            FakeMuxedStream[] pair = FakeMuxedStream.pair(other);
            Tuple2<Negotiated, Negotiated> both = Mono.zip(
                    Multistream.negotiate(pair[0], List.of("/echo/1.0.0"), TIMEOUT),
                    Multistream.accept(pair[1], Set.copyOf(SPOKEN)::contains, () -> SPOKEN, TIMEOUT))
                    .block(Duration.ofSeconds(5));
            assertThat(both.getT1().protocol()).isEqualTo("/echo/1.0.0");
            assertThat(both.getT2().protocol()).isEqualTo("/echo/1.0.0");
            both.getT1().leftover().release();
            both.getT2().leftover().release();
            assertThat(pair[0].violations()).isEmpty();
            assertThat(pair[1].violations()).isEmpty();
        } finally {
            other.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void argumentsAreCheckedAtOnce() {
        assertThatIllegalArgumentException().isThrownBy(() -> Multistream.negotiate(stream, List.of(), TIMEOUT));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Multistream.negotiate(stream, List.of("/a"), Duration.ofSeconds(-1)));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Multistream.accept(stream, p -> true, List::of, Duration.ZERO));
    }

    /** The listener that takes over after negotiation: collects the bytes and reports them consumed. */
    private static final class Collector implements MuxedStream.Listener {

        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        @Override
        public void onData(ByteBuf data) {
            received.writeBytes(ByteBufUtil.getBytes(data));
            data.release();
        }

        @Override
        public void onRemoteClose() {
        }

        @Override
        public void onReset(Throwable cause) {
        }

        @Override
        public void onWritable() {
        }

        byte[] bytes() {
            return received.toByteArray();
        }
    }
}
