package io.peerflux.mux.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Two Yamux sessions over a real (in-JVM) channel pair, each on its own event loop, driven from the test thread. */
@Timeout(60)
class YamuxLocalChannelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    // LocalIoHandler parks its threads in a way BlockHound rejects; DefaultEventLoop waits the way Netty allows.
    @SuppressWarnings("deprecation")
    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(2);
    private Channel listener;
    private Channel clientChannel;
    private MuxerSession server;

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
    void hundredConcurrentStreamsEchoAcrossThreads() {
        MuxerSession client = connect(YamuxConfig.defaults(), Echo::new);
        List<byte[]> sent = Flux.range(0, 100).map(i -> payload(i, 64 * 1024 + i)).collectList().block();
        List<byte[]> echoed = Flux.range(0, 100)
                .flatMap(i -> client.openStream().flatMap(stream -> Exchange.start(stream, sent.get(i)).result()
                        .map(bytes -> new Object[] {i, bytes})))
                .collectSortedList((a, b) -> Integer.compare((int) a[0], (int) b[0]))
                .map(list -> list.stream().map(pair -> (byte[]) pair[1]).toList())
                .block(TIMEOUT);
        assertThat(echoed).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(echoed.get(i)).as("stream %d", i).isEqualTo(sent.get(i));
        }
        // A stream leaves the session on the event loop just after its last frame was handed over: wait for it.
        assertThat(reactor.core.publisher.Mono.fromCallable(client::streamCount)
                .filter(count -> count == 0)
                .repeatWhenEmpty(50, r -> r.delayElements(java.time.Duration.ofMillis(20)))
                .block(TIMEOUT)).isZero();
    }

    @Test
    void slowReaderStallsTheSenderAcrossThreads() {
        byte[] data = payload(7, 8 << 20);
        CompletableFuture<SlowReader> done = new CompletableFuture<>();
        MuxerSession client = connect(RawPeer.FIXED_WINDOW, stream -> new SlowReader(stream, done));
        Exchange exchange = client.openStream().map(stream -> Exchange.start(stream, data)).block(TIMEOUT);
        SlowReader reader = Mono.fromFuture(done).block(TIMEOUT);
        CRC32 expected = new CRC32();
        expected.update(data);
        assertThat(reader.total).isEqualTo(data.length);
        assertThat(reader.crc.getValue()).isEqualTo(expected.getValue());
        assertThat(reader.maxUnconsumed).isLessThanOrEqualTo(YamuxConfig.INITIAL_WINDOW);
        assertThat(exchange.stalls).as("the sender waited for window").isPositive();
    }

    @Test
    void closeFromAnotherThreadReachesTheRemote() {
        MuxerSession client = connect(YamuxConfig.defaults(), Echo::new);
        Exchange exchange = client.openStream().map(stream -> Exchange.start(stream, new byte[10])).block(TIMEOUT);
        assertThat(exchange.result().block(TIMEOUT)).hasSize(10);
        client.close().block(TIMEOUT);
        server.onClose().block(TIMEOUT);
        assertThat(server.streamCount()).isZero();
    }

    // ---- plumbing ----

    private MuxerSession connect(YamuxConfig config, Consumer<MuxedStream> serverStreams) {
        LocalAddress address = new LocalAddress("yamux-" + UUID.randomUUID());
        CompletableFuture<MuxerSession> serverSession = new CompletableFuture<>();
        listener = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        serverSession.complete(Yamux.create(config).start(ch, false, serverStreams));
                    }
                }).bind(address).syncUninterruptibly().channel();
        AtomicReference<MuxerSession> clientSession = new AtomicReference<>();
        clientChannel = new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        clientSession.set(Yamux.create(config).start(ch, true, MuxedStream::reset));
                    }
                }).connect(address).syncUninterruptibly().channel();
        server = Mono.fromFuture(serverSession).block(TIMEOUT);
        return clientSession.get();
    }

    private static byte[] payload(int seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code data} as fast as the stream is writable, half-closes, and collects what comes back. */
    static final class Exchange implements MuxedStream.Listener {
        private final MuxedStream stream;
        private final byte[] data;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private int sent;
        volatile int stalls;

        private Exchange(MuxedStream stream, byte[] data) {
            this.stream = stream;
            this.data = data;
        }

        /** Called on the stream's event loop (where {@code openStream} completes). */
        static Exchange start(MuxedStream stream, byte[] data) {
            assertThat(stream.eventLoop().inEventLoop()).isTrue();
            Exchange exchange = new Exchange(stream, data);
            stream.listen(exchange);
            exchange.pump();
            return exchange;
        }

        Mono<byte[]> result() {
            return Mono.fromFuture(result);
        }

        private void pump() {
            while (sent < data.length && stream.isWritable()) {
                int n = Math.min(8 * 1024, data.length - sent);
                stream.write(Unpooled.wrappedBuffer(data, sent, n));
                sent += n;
            }
            stream.flush();
            if (sent == data.length) {
                stream.closeWrite();
            } else {
                stalls++;
            }
        }

        @Override
        public void onData(ByteBuf buf) {
            int n = buf.readableBytes();
            received.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
            stream.consumed(n);
        }

        @Override
        public void onRemoteClose() {
            result.complete(received.toByteArray());
        }

        @Override
        public void onReset(Throwable cause) {
            result.completeExceptionally(cause);
        }

        @Override
        public void onWritable() {
            pump();
        }
    }

    /** Sends back what it reads and half-closes when the remote does. */
    static final class Echo implements MuxedStream.Listener {
        private final MuxedStream stream;

        Echo(MuxedStream stream) {
            this.stream = stream;
            stream.listen(this);
        }

        @Override
        public void onData(ByteBuf data) {
            int n = data.readableBytes();
            stream.write(data);
            stream.flush();
            stream.consumed(n);
        }

        @Override
        public void onRemoteClose() {
            stream.closeWrite();
        }

        @Override
        public void onReset(Throwable cause) {
        }

        @Override
        public void onWritable() {
        }
    }

    /** Reads everything but consumes at most 32 KiB per millisecond, remembering the most it held unconsumed. */
    static final class SlowReader implements MuxedStream.Listener {
        private final MuxedStream stream;
        private final CompletableFuture<SlowReader> done;
        private final ScheduledFuture<?> consumer;
        final CRC32 crc = new CRC32();
        long total;
        long unconsumed;
        long maxUnconsumed;

        SlowReader(MuxedStream stream, CompletableFuture<SlowReader> done) {
            this.stream = stream;
            this.done = done;
            stream.listen(this);
            consumer = stream.eventLoop().scheduleAtFixedRate(this::consumeSome, 1, 1, TimeUnit.MILLISECONDS);
        }

        private void consumeSome() {
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
