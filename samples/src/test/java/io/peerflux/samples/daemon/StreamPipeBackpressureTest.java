package io.peerflux.samples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.samples.daemon.pb.DaemonProtos.ConnectRequest;
import io.peerflux.samples.daemon.pb.DaemonProtos.Request;
import io.peerflux.samples.daemon.pb.DaemonProtos.Response;
import io.peerflux.samples.daemon.pb.DaemonProtos.StreamOpenRequest;
import io.peerflux.testing.BufferMemory;
import io.peerflux.testing.TestHosts;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * A control client that opened a stream and does not read, while the remote peer sends a lot: the daemon must hold
 * the sender back (libp2p flow control reaching all the way to the client's socket), not buffer what the client
 * has not read. Measured the way impl's interop slow-reader tests do: the growth of Netty's buffer memory, and how
 * far the sender got.
 */
class StreamPipeBackpressureTest {

    static final String SOURCE = "/source/1.0.0";
    static final int BULK = 64 * 1024 * 1024;
    static final int CHUNK = 64 * 1024;
    static final Duration STALL = Duration.ofSeconds(3);
    /**
     * Buffer memory growth allowed while the client stalls and then reads {@link #BULK}: a few stream windows and
     * socket buffers, rounded up by the allocator's chunk granularity (up to 8 MiB a chunk, and the warm-up does not
     * always leave one free when other tests ran first in this JVM): a quarter of the payload. Without backpressure
     * the daemon would hold nearly all of it.
     */
    static final long MEMORY_BOUND = BULK / 4;
    /** How far the sender may get while nobody reads: the stream window and the kernel's socket buffers. */
    static final long SENT_DURING_STALL_BOUND = BULK / 4;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    Host daemonHost;
    ControlServer control;
    Host peer;
    final AtomicLong sent = new AtomicLong();

    @BeforeEach
    void start() {
        daemonHost = TestHosts.tcp();
        control = ControlServer.start(daemonHost, Multiaddr.of("/ip4/127.0.0.1/tcp/0")).block(TIMEOUT);
        peer = TestHosts.tcp(b -> b.handle(SOURCE, stream -> stream.receive()
                .reduce(0L, StreamPipeBackpressureTest::bigEndian)
                .flatMap(size -> stream.send(Flux.range(0, (int) (size / CHUNK)).map(i -> {
                    sent.addAndGet(CHUNK);
                    return ByteBufAllocator.DEFAULT.buffer(CHUNK).writeZero(CHUNK);
                })))
                .then(stream.closeWrite())));
    }

    @AfterEach
    void stop() {
        control.close().block(TIMEOUT);
        daemonHost.stop().block(TIMEOUT);
        peer.stop().block(TIMEOUT);
    }

    @Test
    void clientThatDoesNotReadHoldsTheSenderBackAndTheDaemonsMemoryStaysBounded() throws Exception {
        try (ControlClient client = ControlClient.connect(ControlAddress.toSocketAddress(control.address()))) {
            ConnectRequest.Builder connect = ConnectRequest.newBuilder()
                    .setPeer(ByteString.copyFrom(peer.peerId().bytes()));
            peer.listenAddresses().forEach(a -> connect.addAddrs(ByteString.copyFrom(a.bytes())));
            assertThat(client.send(Request.newBuilder().setType(Request.Type.CONNECT).setConnect(connect).build())
                    .response().getType()).isEqualTo(Response.Type.OK);
            fetch(BULK / 8); // warm-up: the allocator already holds the chunks a transfer needs

            long received;
            long sentDuringStall;
            long peakGrowth;
            try (BufferMemory memory = BufferMemory.sample()) {
                sent.set(0);
                openSource(client, BULK);
                Thread.sleep(STALL.toMillis());
                sentDuringStall = sent.get();
                received = drain(client);
                peakGrowth = memory.peakGrowth();
            }
            System.out.printf("daemon stream, client stalled %d s: sender got %.1f MiB ahead, peak buffer memory"
                    + " growth %.1f MiB while %d MiB passed%n", STALL.toSeconds(), sentDuringStall / 1048576.0,
                    peakGrowth / 1048576.0, BULK >> 20);
            assertThat(received).isEqualTo(BULK);
            assertThat(sentDuringStall).as("bytes sent while the client read nothing")
                    .isLessThan(SENT_DURING_STALL_BOUND);
            assertThat(peakGrowth).as("buffer memory growth").isLessThan(MEMORY_BOUND);
        }
    }

    /** Opens {@link #SOURCE} on a fresh control connection and reads all it sends. */
    void fetch(int size) throws Exception {
        try (ControlClient client = ControlClient.connect(ControlAddress.toSocketAddress(control.address()))) {
            openSource(client, size);
            assertThat(drain(client)).isEqualTo(size);
        }
    }

    /** Asks the peer, over a stream opened through {@code client}, for {@code size} bytes. */
    void openSource(ControlClient client, int size) throws Exception {
        Response opened = client.send(Request.newBuilder().setType(Request.Type.STREAM_OPEN)
                .setStreamOpen(StreamOpenRequest.newBuilder()
                        .setPeer(ByteString.copyFrom(peer.peerId().bytes())).addProto(SOURCE)).build()).response();
        assertThat(opened.getType()).as(opened.getError().getMsg()).isEqualTo(Response.Type.OK);
        client.sendRaw(ByteBuffer.allocate(4).putInt(size).array());
        client.shutdownOutput();
    }

    /** Reads the size the client asks for: its bytes as one big-endian number, however they were split. */
    static long bigEndian(long number, ByteBuf bytes) {
        while (bytes.isReadable()) {
            number = number << 8 | bytes.readUnsignedByte();
        }
        return number;
    }

    static long drain(ControlClient client) throws Exception {
        byte[] chunk = new byte[CHUNK];
        long total = 0;
        for (int n; (n = client.in.read(chunk)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
