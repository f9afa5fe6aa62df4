package io.peerflux.protocol.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.LimitExceededException;
import io.peerflux.ProtocolViolationException;
import io.peerflux.Stream;
import io.peerflux.StreamHandler;
import io.peerflux.StreamResetException;
import io.peerflux.testing.TestHosts;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Perf between two Peerflux hosts over TCP + Noise + Yamux: exact byte counts and timings in both directions, and
 * bad input from either side ending only that stream with a typed error while the connection keeps serving.
 */
class PerfTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int MIB = 1024 * 1024;
    static final long MAX_DOWNLOAD = 64 * MIB;
    static final Duration IDLE = Duration.ofMillis(400);

    final BlockingQueue<Throwable> serverErrors = new LinkedBlockingQueue<>();
    Host server;
    Host client;
    Connection connection;

    @BeforeEach
    void start() {
        PerfConfig config = PerfConfig.defaults().withMaxDownloadBytes(MAX_DOWNLOAD).withIdleTimeout(IDLE);
        server = TestHosts.tcp(b -> b
                .handle(Perf.PROTOCOL_ID, recordingErrors(Perf.handler(config)))
                .handle("/too-much", stream -> stream.receive().then(stream.send(Payload.chunks(11, n -> { }))))
                .handle("/too-little", stream -> stream.receive().then(stream.send(Payload.chunks(9, n -> { }))))
                .handle("/silent", stream -> stream.receive().then(Mono.never())));
        client = TestHosts.tcp();
        connection = client.connect(TestHosts.address(server)).block(TIMEOUT);
    }

    @AfterEach
    void stop() {
        client.stop().block(TIMEOUT);
        server.stop().block(TIMEOUT);
    }

    StreamHandler recordingErrors(StreamHandler handler) {
        return stream -> Mono.from(handler.handle(stream)).doOnError(serverErrors::add);
    }

    Throwable nextServerError() throws InterruptedException {
        Throwable error = serverErrors.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(error).as("the server handler failed").isNotNull();
        return error;
    }

    /** The same connection serves a new perf stream, and a fresh host can still run perf against the server. */
    void serverStillServes() {
        assertThat(Perf.run(connection, 100_000, 200_000).block(TIMEOUT).downloadBytes()).isEqualTo(200_000);
        Host fresh = TestHosts.tcp();
        try {
            Connection other = fresh.connect(TestHosts.address(server)).block(TIMEOUT);
            assertThat(Perf.run(other, 1, 1).block(TIMEOUT).downloadBytes()).isEqualTo(1);
        } finally {
            fresh.stop().block(TIMEOUT);
        }
        assertThat(serverErrors).isEmpty();
    }

    /** Opens a raw perf stream and sends {@code bytes}; closes the write side when asked. */
    Stream rawStream(byte[] bytes, boolean closeWrite) {
        Stream stream = connection.newStream(Perf.PROTOCOL_ID).block(TIMEOUT);
        Mono<Void> sent = stream.send(Mono.just(Unpooled.wrappedBuffer(bytes)));
        (closeWrite ? sent.then(stream.closeWrite()) : sent).block(TIMEOUT);
        return stream;
    }

    @Test
    void uploadAndDownloadAreCountedExactly() {
        long upload = 16L * MIB + 123;
        long download = 16L * MIB + 7;
        List<long[]> updates = new ArrayList<>();
        PerfResult result = Perf.run(connection, upload, download, PerfConfig.defaults(),
                (up, down) -> updates.add(new long[] {up, down})).block(TIMEOUT);

        assertThat(result.uploadBytes()).isEqualTo(upload);
        assertThat(result.downloadBytes()).isEqualTo(download);
        assertThat(result.uploadNanos()).isPositive();
        assertThat(result.downloadNanos()).isPositive();
        assertThat(updates.get(updates.size() - 1)).containsExactly(upload, download);
        for (int i = 1; i < updates.size(); i++) {
            assertThat(updates.get(i)[0]).isGreaterThanOrEqualTo(updates.get(i - 1)[0]);
            assertThat(updates.get(i)[1]).isGreaterThanOrEqualTo(updates.get(i - 1)[1]);
        }
        // Upload chunks are at most 64 KiB, so progress was reported often.
        assertThat(updates.size()).isGreaterThan((int) (upload / Payload.CHUNK_SIZE));
    }

    @Test
    void eitherDirectionMayBeEmpty() {
        PerfResult uploadOnly = Perf.run(connection, 3 * MIB, 0).block(TIMEOUT);
        assertThat(uploadOnly).isEqualTo(new PerfResult(3 * MIB, uploadOnly.uploadNanos(), 0, 0));
        assertThat(uploadOnly.uploadNanos()).isPositive();

        PerfResult downloadOnly = Perf.run(connection, 0, 3 * MIB).block(TIMEOUT);
        assertThat(downloadOnly.uploadBytes()).isZero();
        assertThat(downloadOnly.downloadBytes()).isEqualTo(3 * MIB);
        assertThat(downloadOnly.downloadNanos()).isPositive();

        PerfResult nothing = Perf.run(connection, 0, 0).block(TIMEOUT);
        assertThat(nothing.uploadBytes()).isZero();
        assertThat(nothing.downloadBytes()).isZero();
        assertThat(nothing.downloadNanos()).isZero();
    }

    @Test
    void requestAtTheLimitIsServed() {
        assertThat(Perf.run(connection, 0, MAX_DOWNLOAD).block(TIMEOUT).downloadBytes()).isEqualTo(MAX_DOWNLOAD);
    }

    @Test
    void sizeSplitIntoSingleBytesIsReassembled() {
        Stream stream = connection.newStream(Perf.PROTOCOL_ID).block(TIMEOUT);
        byte[] size = sizeBytes(70_000);
        Flux<ByteBuf> oneByteAtATime = Flux.range(0, 8).map(i -> Unpooled.wrappedBuffer(size, i, 1));
        stream.send(oneByteAtATime).then(stream.closeWrite()).block(TIMEOUT);
        long received = stream.receive().map(ByteBuf::readableBytes).reduce(0L, Long::sum).block(TIMEOUT);
        assertThat(received).isEqualTo(70_000);
    }

    @Test
    void shortSizeThenEndOfStreamResetsTheStream() throws Exception {
        Stream stream = rawStream(new byte[] {0, 0, 1}, true);
        StepVerifier.create(stream.receive()).expectError(StreamResetException.class).verify(TIMEOUT);
        assertThat(nextServerError()).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("after 3 of the 8 size bytes");
        serverStillServes();
    }

    @Test
    void oversizedRequestIsRefusedBeforeAnythingIsSent() throws Exception {
        assertThatThrownBy(() -> Perf.run(connection, 10, MAX_DOWNLOAD + 1).block(TIMEOUT))
                .isInstanceOf(StreamResetException.class);
        assertThat(nextServerError()).isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.attempted()).isEqualTo(MAX_DOWNLOAD + 1);
            assertThat(e.limit()).isEqualTo(MAX_DOWNLOAD);
        });
        serverStillServes();
    }

    @Test
    void largestUint64IsRefused() throws Exception {
        Stream stream = rawStream(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, true);
        StepVerifier.create(stream.receive()).expectError(StreamResetException.class).verify(TIMEOUT);
        assertThat(nextServerError()).isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.attempted()).isEqualTo(Long.MAX_VALUE));
        serverStillServes();
    }

    @Test
    void clientThatNeverClosesItsWriteSideIsTimedOut() throws Exception {
        Stream stream = rawStream(sizeBytes(1000), false);
        StepVerifier.create(stream.receive()).expectError(StreamResetException.class).verify(TIMEOUT);
        assertThat(nextServerError()).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("stalled");
        serverStillServes();
    }

    @Test
    void clientThatStopsReadingStallsTheServerWhichGivesUp() throws Exception {
        // Backpressure: a client reading nothing holds the server's send to the window; nothing moves, so the idle
        // timeout ends the stream. (Without backpressure the server would hand over all 64 MiB and complete.)
        Stream stream = rawStream(sizeBytes(MAX_DOWNLOAD), true);
        assertThat(nextServerError()).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("stalled");
        StepVerifier.create(stream.receive().map(ByteBuf::readableBytes).reduce(0, Integer::sum))
                .expectError(StreamResetException.class).verify(TIMEOUT);
        serverStillServes();
    }

    @Test
    void silentServerIsTimedOutByTheClient() {
        assertThatThrownBy(() -> run("/silent", 10, 10).block(TIMEOUT))
                .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("stalled");
        serverStillServes();
    }

    @Test
    void serverSendingTooMuchOrTooLittleFailsTheClient() {
        assertThatThrownBy(() -> run("/too-much", 0, 10).block(TIMEOUT))
                .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("more than the 10 bytes");
        assertThatThrownBy(() -> run("/too-little", 0, 10).block(TIMEOUT))
                .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("after 9 of the 10 bytes");
        serverStillServes();
    }

    @Test
    void negativeCountsAreRejected() {
        assertThatThrownBy(() -> Perf.run(connection, -1, 0).block(TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] sizeBytes(long size) {
        return ByteBuffer.allocate(Long.BYTES).putLong(size).array();
    }

    /** The perf client against a test handler on another protocol id. */
    Mono<PerfResult> run(String protocol, long upload, long download) {
        return connection.newStream(protocol).flatMap(stream -> new PerfClient(stream, upload, download,
                (up, down) -> { }).exchange(IDLE));
    }
}
