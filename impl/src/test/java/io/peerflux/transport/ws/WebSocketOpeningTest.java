package io.peerflux.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketOpeningTest {

    final List<Object> outcomes = new ArrayList<>();
    final WebSocketOpening opening = new WebSocketOpening(Duration.ofSeconds(5), new WebSocketOpening.Outcome() {
        @Override
        public void opened(Channel channel) {
            outcomes.add(channel);
        }

        @Override
        public void failed(Throwable cause) {
            outcomes.add(cause);
        }
    });
    final EmbeddedChannel channel = new EmbeddedChannel();

    WebSocketOpeningTest() {
        channel.freezeTime(); // the timeout moves only with advanceTimeBy
        channel.pipeline().addLast(opening);
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void theServerHandshakeOpensTheChannelOnceAndLeavesThePipeline() {
        channel.pipeline().fireUserEventTriggered(new HandshakeComplete("/", new DefaultHttpHeaders(), null));
        assertThat(outcomes).containsExactly(channel);
        assertThat(channel.pipeline().get(WebSocketOpening.class)).isNull();
        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(outcomes).hasSize(1);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void theClientHandshakeOpensTheChannel() {
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_ISSUED);
        assertThat(outcomes).isEmpty();
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        assertThat(outcomes).containsExactly(channel);
    }

    @Test
    void noHandshakeInTimeFailsAndCloses() {
        channel.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(outcomes).isEmpty();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(outcomes).singleElement().isInstanceOf(TimeoutException.class);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anErrorFailsOnceAndCloses() {
        IOException cause = new IOException("boom");
        channel.pipeline().fireExceptionCaught(cause);
        assertThat(outcomes).containsExactly(cause);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void closingBeforeTheHandshakeFails() {
        channel.close();
        assertThat(outcomes).singleElement().isInstanceOf(ClosedChannelException.class);
    }
}
