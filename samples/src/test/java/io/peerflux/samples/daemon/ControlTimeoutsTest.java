package io.peerflux.samples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.Host;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import io.peerflux.testing.TestHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every wait of a control connection on its client ends: {@link ControlConnectionHandler#REQUEST_TIMEOUT} for a
 * request, {@link ControlConnectionHandler#WRITE_TIMEOUT} for an answer. On an embedded channel with a frozen clock,
 * so that each test can show the connection still open just before its deadline and closed at it.
 */
class ControlTimeoutsTest {

    static final Duration REQUEST = ControlConnectionHandler.REQUEST_TIMEOUT;
    static final Duration JUST_UNDER = Duration.ofMillis(1);

    static Host host;
    EmbeddedChannel channel;

    @BeforeAll
    static void start() {
        host = TestHosts.memory();
    }

    @AfterAll
    static void stop() {
        host.stop().block(Duration.ofSeconds(10));
    }

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    EmbeddedChannel connection() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new ControlConnectionHandler(new ControlRequests(host, new InboundStreams(host))));
        return channel;
    }

    void advance(Duration by) {
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    void send(byte... bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.runPendingTasks();
    }

    Response answer() throws Exception {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("an answer was written").isNotNull();
        try {
            ByteBuf frame = ControlFrames.read(out);
            return Response.parseFrom(frame.nioBuffer());
        } finally {
            out.release();
        }
    }

    static byte[] identify() {
        ByteBuf frame = ControlFrames.encode(Request.newBuilder().setType(Request.Type.IDENTIFY).build(),
                ByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void halfARequestThenSilenceIsAnsweredWithAnErrorAndClosed() throws Exception {
        connection();
        send((byte) 100, (byte) 8, (byte) 1);

        advance(REQUEST.minus(JUST_UNDER));
        assertThat(channel.isOpen()).isTrue();
        assertThat((Object) channel.readOutbound()).isNull();

        advance(JUST_UNDER);
        Response error = answer();
        assertThat(error.getType()).isEqualTo(Response.Type.ERROR);
        assertThat(error.getError().getMsg()).contains("no whole request within");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() {
        connection();
        advance(REQUEST.minus(JUST_UNDER));
        assertThat(channel.isOpen()).isTrue();
        advance(JUST_UNDER);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void bytesTricklingInDoNotExtendTheDeadline() {
        connection();
        byte[] request = identify();
        int allButLast = request.length - 1;
        Duration step = REQUEST.dividedBy(allButLast);
        for (int i = 0; i < allButLast; i++) {
            assertThat(channel.isOpen()).isTrue();
            send(request[i]);
            advance(step);
        }
        assertThat(step.multipliedBy(allButLast)).isEqualTo(REQUEST);
        assertThat(channel.isOpen()).as("closed %s after the first byte, though bytes kept coming", REQUEST)
                .isFalse();
    }

    @Test
    void eachRequestGetsItsOwnDeadlineFromTheEndOfTheLastAnswer() throws Exception {
        connection();
        advance(REQUEST.minus(JUST_UNDER));
        send(identify());
        assertThat(answer().getType()).isEqualTo(Response.Type.OK);

        advance(REQUEST.minus(JUST_UNDER));
        assertThat(channel.isOpen()).isTrue();
        advance(JUST_UNDER);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anAnswerTheClientNeverReadsClosesTheConnection() {
        connection();
        UnreadSocket socket = new UnreadSocket();
        channel.pipeline().addFirst(socket);
        send(identify());
        assertThat(socket.held).hasSize(1);

        advance(ControlConnectionHandler.WRITE_TIMEOUT.minus(JUST_UNDER));
        assertThat(channel.isOpen()).isTrue();
        advance(JUST_UNDER);
        assertThat(channel.isOpen()).isFalse();
        socket.held.forEach(ReferenceCountUtil::release);
    }

    /** A socket whose client reads nothing: writes are kept and never complete. */
    static final class UnreadSocket extends ChannelOutboundHandlerAdapter {

        final List<Object> held = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            held.add(msg);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
        }
    }
}
