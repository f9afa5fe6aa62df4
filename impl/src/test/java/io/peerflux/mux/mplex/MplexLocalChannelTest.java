package io.peerflux.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * Two mplex sessions over a real (in-JVM) channel pair, each on its own event loop, where turning {@code autoRead}
 * off really stops the reads.
 */
@Timeout(60)
class MplexLocalChannelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    // LocalIoHandler parks its threads in a way BlockHound rejects; DefaultEventLoop waits the way Netty allows.
    @SuppressWarnings("deprecation")
    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(2);
    private Channel listener;
    private Channel clientChannel;
    private Channel serverChannel;

    @AfterEach
    void tearDown() {
        if (clientChannel != null) {
            clientChannel.close().syncUninterruptibly();
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aSlowReaderPausesReadingAcrossThreadsAndGetsEverything() {
        byte[] data = MplexSessionTest.payload(7, 8 << 20);
        CompletableFuture<SlowReader> done = new CompletableFuture<>();
        MuxerSession client = connect(stream -> new SlowReader(stream, done));
        client.openStream().doOnNext(stream -> {
            stream.write(Unpooled.wrappedBuffer(data));
            stream.closeWrite();
        }).block(TIMEOUT);
        SlowReader reader = Mono.fromFuture(done).block(TIMEOUT);
        CRC32 expected = new CRC32();
        expected.update(data);
        assertThat(reader.total).isEqualTo(data.length);
        assertThat(reader.crc.getValue()).isEqualTo(expected.getValue());
        assertThat(reader.maxUnconsumed).as("one message beyond the pause mark at most")
                .isLessThanOrEqualTo(MplexConfig.defaults().maxStreamBuffer() / 2 + MplexSession.MAX_SEND_PAYLOAD);
        assertThat(reader.pausedSeen).as("reading paused").isTrue();
    }

    private MuxerSession connect(Consumer<MuxedStream> serverStreams) {
        LocalAddress address = new LocalAddress("mplex-" + UUID.randomUUID());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        listener = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        Mplex.create().start(ch, false, serverStreams);
                        accepted.complete(ch);
                    }
                }).bind(address).syncUninterruptibly().channel();
        CompletableFuture<MuxerSession> clientSession = new CompletableFuture<>();
        clientChannel = new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        clientSession.complete(Mplex.create().start(ch, true, MuxedStream::reset));
                    }
                }).connect(address).syncUninterruptibly().channel();
        serverChannel = Mono.fromFuture(accepted).block(TIMEOUT);
        return clientSession.join();
    }

    /** Reads everything but consumes at most 32 KiB per millisecond, remembering the most it held unconsumed. */
    final class SlowReader implements MuxedStream.Listener {
        private final MuxedStream stream;
        private final CompletableFuture<SlowReader> done;
        private final ScheduledFuture<?> consumer;
        final CRC32 crc = new CRC32();
        long total;
        long unconsumed;
        long maxUnconsumed;
        boolean pausedSeen;

        SlowReader(MuxedStream stream, CompletableFuture<SlowReader> done) {
            this.stream = stream;
            this.done = done;
            stream.listen(this);
            consumer = stream.eventLoop().scheduleAtFixedRate(this::consumeSome, 1, 1, TimeUnit.MILLISECONDS);
        }

        private void consumeSome() {
            pausedSeen |= !serverChannel.config().isAutoRead();
            int n = (int) Math.min(32 * 1024, unconsumed);
            unconsumed -= n;
            stream.consumed(n);
        }

        @Override
        public void onData(ByteBuf data) {
            int n = data.readableBytes();
            crc.update(data.nioBuffer());
            data.release();
            total += n;
            unconsumed += n;
            maxUnconsumed = Math.max(maxUnconsumed, unconsumed);
        }

        @Override
        public void onRemoteClose() {
            consumer.cancel(false);
            stream.closeWrite();
            done.complete(this);
        }

        @Override
        public void onReset(Throwable cause) {
            consumer.cancel(false);
            done.completeExceptionally(cause);
        }

        @Override
        public void onWritable() {
        }
    }
}
