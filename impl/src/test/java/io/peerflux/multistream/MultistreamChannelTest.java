package io.peerflux.multistream;

import static io.peerflux.multistream.Wire.HEADER;
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
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.subscriber.TestSubscriber;

class MultistreamChannelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedChannel channel = new EmbeddedChannel();

    {
        // Timeouts are driven by advanceTimeBy alone, never by how long the machine takes.
        channel.freezeTime();
    }
    private final Capture next = new Capture();

    @AfterEach
    void releaseChannel() {
        channel.finishAndReleaseAll();
    }

    /** Negotiates on {@link #channel} and, like a security upgrade would, adds {@link #next} on agreement. */
    private TestSubscriber<String> negotiate(EmbeddedChannel channel, Capture next, boolean initiator,
                                             String... protocols) {
        TestSubscriber<String> result = TestSubscriber.create();
        Multistream.negotiate(channel, initiator, List.of(protocols), TIMEOUT)
                .doOnNext(protocol -> channel.pipeline().addLast(next))
                .subscribe(result);
        return result;
    }

    private TestSubscriber<String> negotiate(boolean initiator, String... protocols) {
        return negotiate(channel, next, initiator, protocols);
    }

    @Test
    void responderHandsThePipelinedHandshakeBytesToTheNextHandler() {
        TestSubscriber<String> result = negotiate(false, "/tls/1.0.0", "/noise");
        assertThat((Object) channel.readOutbound()).isNull(); // waits for the initiator's header

        byte[] noiseMessage1 = {0, 32, 7, 7, 7, 7};
        channel.writeInbound(buf(HEADER, message("/noise"), noiseMessage1));

        assertThat(result.getReceivedOnNext()).containsExactly("/noise");
        assertThat(result.isTerminatedComplete()).isTrue();
        assertThat(drain(channel.readOutbound())).isEqualTo(concat(HEADER, message("/noise")));
        assertThat((Object) channel.readOutbound()).isNull(); // header and answer in one write
        assertThat(next.bytes()).isEqualTo(noiseMessage1);
        assertThat(next.readCompletes).isPositive();
        assertThat(channel.pipeline().get(ChannelNegotiationHandler.class)).isNull();
        assertThat((Object) channel.readInbound()).isNull(); // nothing reached the tail

        channel.writeInbound(buf(ascii("more")));
        assertThat(next.bytes()).isEqualTo(concat(noiseMessage1, ascii("more")));
    }

    @Test
    void initiatorProposesInTurnAndKeepsWhatFollowsTheAnswer() {
        TestSubscriber<String> result = negotiate(true, "/tls/1.0.0", "/noise");
        assertThat(drain(channel.readOutbound())).isEqualTo(concat(HEADER, message("/tls/1.0.0")));

        channel.writeInbound(buf(HEADER));
        assertThat((Object) channel.readOutbound()).isNull();
        channel.writeInbound(buf(NA));
        assertThat(drain(channel.readOutbound())).isEqualTo(message("/noise"));
        assertThat(result.getReceivedOnNext()).isEmpty();

        channel.writeInbound(buf(message("/noise"), ascii("hello")));
        assertThat(result.getReceivedOnNext()).containsExactly("/noise");
        assertThat(next.bytes()).isEqualTo(ascii("hello"));
        assertThat(channel.pipeline().get(ChannelNegotiationHandler.class)).isNull();
    }

    @Test
    void twoChannelsAgreeOnTheFirstProtocolTheResponderSpeaks() {
        EmbeddedChannel remote = new EmbeddedChannel();
        Capture remoteNext = new Capture();
        try {
            TestSubscriber<String> dialer = negotiate(true, "/a", "/b", "/c");
            TestSubscriber<String> listener = negotiate(remote, remoteNext, false, "/c", "/b");
            for (int round = 0; round < 10; round++) {
                pump(channel, remote);
                pump(remote, channel);
            }
            assertThat(dialer.getReceivedOnNext()).containsExactly("/b");
            assertThat(listener.getReceivedOnNext()).containsExactly("/b");
        } finally {
            remote.finishAndReleaseAll();
        }
    }

    @Test
    void somethingOtherThanMultistreamFailsAndClosesTheConnection() {
        TestSubscriber<String> result = negotiate(false, "/noise");
        channel.writeInbound(buf(ascii("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")));
        assertThat(result.expectTerminalError()).satisfies(Failures.malformed());
        assertThat(channel.isOpen()).isFalse();
        assertThat(next.bytes()).isEmpty();
    }

    @Test
    void overLongMessageFailsAndClosesTheConnection() {
        TestSubscriber<String> result = negotiate(false, "/noise");
        channel.writeInbound(buf(HEADER, new byte[] {(byte) 0x81, 0x08}, new byte[100]));
        assertThat(result.expectTerminalError()).satisfies(Failures.malformed());
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void closeInTheMiddleOfAMessageFails() {
        TestSubscriber<String> result = negotiate(false, "/noise");
        byte[] proposal = message("/noise");
        channel.writeInbound(buf(HEADER, new byte[] {proposal[0], proposal[1], proposal[2]}));
        assertThat(result.getTerminalSignal()).isNull();
        channel.close();
        assertThat(result.expectTerminalError()).satisfies(Failures.closed());
    }

    @Test
    void inputShutdownFails() {
        TestSubscriber<String> result = negotiate(true, "/noise");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(result.expectTerminalError()).satisfies(Failures.closed());
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void silenceTimesOutAndClosesTheConnection() {
        TestSubscriber<String> result = TestSubscriber.create();
        Multistream.negotiate(channel, true, List.of("/noise"), Duration.ofMillis(50)).subscribe(result);
        channel.writeInbound(buf(HEADER));
        channel.advanceTimeBy(49, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(result.getTerminalSignal()).isNull();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(result.expectTerminalError()).satisfies(Failures.timeout());
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void cancellingClosesTheConnection() {
        TestSubscriber<String> result = negotiate(true, "/noise");
        channel.writeInbound(buf(HEADER));
        result.cancel();
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aClosedChannelFailsAtOnce() {
        channel.close();
        TestSubscriber<String> result = negotiate(true, "/noise");
        assertThat(result.expectTerminalError()).satisfies(Failures.closed());
    }

    @Test
    void readsWhenAutoReadIsOff() {
        int[] reads = {0};
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads[0]++;
                ctx.read();
            }
        });
        channel.config().setAutoRead(false);
        negotiate(false, "/noise");
        assertThat(reads[0]).isEqualTo(1);
    }

    @Test
    void nothingHappensBeforeSubscription() {
        Mono<String> negotiation = Multistream.negotiate(channel, true, List.of("/noise"), TIMEOUT);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.pipeline().get(ChannelNegotiationHandler.class)).isNull();
        negotiation.subscribe();
        assertThat(channel.pipeline().get(ChannelNegotiationHandler.class)).isNotNull();
    }

    @Test
    void argumentsAreCheckedAtOnce() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Multistream.negotiate(channel, true, List.of(), TIMEOUT));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Multistream.negotiate(channel, false, List.of(""), TIMEOUT));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Multistream.negotiate(channel, true, List.of("/a"), Duration.ZERO));
    }

    private static void pump(EmbeddedChannel from, EmbeddedChannel to) {
        ByteBuf data;
        while ((data = from.readOutbound()) != null) {
            to.writeInbound(data);
        }
    }

    /** The handler that takes over after negotiation (Noise, say): collects what it reads. */
    static final class Capture extends ChannelInboundHandlerAdapter {

        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int readCompletes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            received.writeBytes(ByteBufUtil.getBytes(data));
            data.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readCompletes++;
        }

        byte[] bytes() {
            return received.toByteArray();
        }
    }
}
