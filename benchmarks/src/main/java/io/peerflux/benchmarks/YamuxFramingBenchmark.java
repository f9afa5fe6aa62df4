package io.peerflux.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import io.peerflux.mux.yamux.Yamux;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Yamux DATA frames through two whole Yamux sessions (encoder, decoder, session, stream, flow control) on embedded
 * channels, no socket and no encryption: the "null socket". One operation writes one frame of {@link #size} payload
 * bytes on a stream of one side (encoded at the flush), decodes it on the other side, where the stream listener
 * consumes and credits it, and carries the WINDOW_UPDATEs back. Operations per second are frames per second; the
 * {@code bytes} counter gives payload bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class YamuxFramingBenchmark {

    @Param({"65536", "1024", "32"})
    public int size;

    ChannelPair pair;
    MuxedStream sender;
    ByteBuf payload;
    long received;

    @Setup
    public void setUp() throws Exception {
        pair = new ChannelPair();
        Yamux yamux = Yamux.create();
        MuxerSession client = yamux.start(pair.a, true, inbound -> inbound.reset());
        yamux.start(pair.b, false, inbound -> inbound.listen(new MuxedStream.Listener() {
            @Override
            public void onData(ByteBuf data) {
                int n = data.readableBytes();
                received += n;
                data.release();
                inbound.consumed(n);
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
        }));
        CompletableFuture<MuxedStream> opened = client.openStream().toFuture();
        pair.shuttle();
        sender = opened.get(1, TimeUnit.SECONDS);
        byte[] random = new byte[size];
        ThreadLocalRandom.current().nextBytes(random);
        payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeBytes(random));
    }

    @TearDown
    public void tearDown() {
        pair.close();
    }

    @Benchmark
    public void dataFrame(ByteCounter counter) {
        long before = received;
        sender.write(payload.duplicate());
        sender.flush();
        pair.shuttle();
        if (received - before != size) {
            throw new IllegalStateException("received " + (received - before) + " of " + size + " bytes");
        }
        counter.bytes += size;
    }
}
