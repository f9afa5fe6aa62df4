package io.peerflux.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.security.SecureSession;
import io.peerflux.security.noise.Noise;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Noise transport messages, encrypted and decrypted: the real Noise pipeline handlers of two embedded channels that
 * completed a Noise XX handshake through the public {@link Noise#secure} operator, with no socket between them. One
 * operation writes {@link #size} plaintext bytes on one side (encrypted into transport messages at the flush) and
 * decrypts them on the other; the {@code bytes} counter gives plaintext bytes per second. The default size, 65,519,
 * is the largest plaintext one Noise message carries (a 65,537-byte frame on the wire, "64 KiB").
 *
 * <p>Chosen over calling the package-private {@code CipherState} directly: this is the hot path a connection runs
 * (length prefix, buffer allocation, coalescing queue, AEAD), and it needs no split package.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NoiseTransportBenchmark {

    @Param({"65519", "1024"})
    public int size;

    ChannelPair pair;
    ByteBuf plaintext;

    @Setup
    public void setUp() throws Exception {
        pair = new ChannelPair();
        Noise noise = Noise.create();
        CompletableFuture<SecureSession> initiator = noise
                .secure(pair.a, true, PrivateKey.generateEd25519(), null, List.of()).toFuture();
        CompletableFuture<SecureSession> responder = noise
                .secure(pair.b, false, PrivateKey.generateEd25519(), null, List.of()).toFuture();
        pair.shuttle();
        initiator.get(1, TimeUnit.SECONDS);
        responder.get(1, TimeUnit.SECONDS);
        byte[] random = new byte[size];
        ThreadLocalRandom.current().nextBytes(random);
        plaintext = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeBytes(random));
    }

    @TearDown
    public void tearDown() {
        pair.close();
    }

    @Benchmark
    public void encryptDecrypt(ByteCounter counter, Blackhole blackhole) {
        pair.a.writeOutbound(plaintext.duplicate());
        for (Object frame = pair.a.readOutbound(); frame != null; frame = pair.a.readOutbound()) {
            pair.b.writeInbound(frame);
        }
        int received = 0;
        for (ByteBuf decrypted = pair.b.readInbound(); decrypted != null; decrypted = pair.b.readInbound()) {
            received += decrypted.readableBytes();
            blackhole.consume(decrypted.getByte(decrypted.writerIndex() - 1));
            decrypted.release();
        }
        if (received != size) {
            throw new IllegalStateException("decrypted " + received + " of " + size + " bytes");
        }
        counter.bytes += size;
    }
}
