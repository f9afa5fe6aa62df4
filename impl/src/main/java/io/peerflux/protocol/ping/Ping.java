package io.peerflux.protocol.ping;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.ProtocolViolationException;
import io.peerflux.StreamHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code /ipfs/ping/1.0.0} (libp2p/specs ping/ping.md): the initiator sends 32 random bytes, the responder sends
 * them back, repeatedly on one stream; the round trip is the measurement.
 */
public final class Ping {

    public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";
    public static final int PAYLOAD_SIZE = 32;

    private Ping() {
    }

    /**
     * Serves ping. Echoing the byte stream as it arrives is exactly "send back each 32-byte payload", without
     * waiting for payload boundaries.
     */
    public static StreamHandler handler() {
        return stream -> stream.send(stream.receive().map(ByteBuf::retain));
    }

    /**
     * Pings {@code count} times over one new stream, each ping sent once the previous answer arrived.
     * Emits each round-trip time; fails with {@link ProtocolViolationException} when an answer differs.
     */
    public static Flux<Duration> ping(Connection connection, int count) {
        if (count < 1) {
            return Flux.error(new IllegalArgumentException("count must be positive"));
        }
        return connection.newStream(PROTOCOL_ID).flatMapMany(stream -> {
            Sinks.Many<ByteBuf> out = Sinks.many().unicast().onBackpressureBuffer();
            byte[][] payload = {random()};
            long[] sentAt = {System.nanoTime()};
            int[] done = {0};
            out.tryEmitNext(Unpooled.wrappedBuffer(payload[0]));
            Mono<Void> sending = stream.send(out.asFlux());
            Flux<Duration> rtts = answers(stream.receive())
                    .map(answer -> {
                        Duration rtt = Duration.ofNanos(System.nanoTime() - sentAt[0]);
                        if (!Arrays.equals(answer, payload[0])) {
                            throw ProtocolViolationException.stream(PROTOCOL_ID, "answer differs from the ping");
                        }
                        if (++done[0] < count) {
                            payload[0] = random();
                            sentAt[0] = System.nanoTime();
                            out.tryEmitNext(Unpooled.wrappedBuffer(payload[0]));
                        } else {
                            out.tryEmitComplete();
                        }
                        return rtt;
                    })
                    .take(count);
            return Flux.merge(sending.then(Mono.empty()), rtts)
                    .concatWith(stream.closeWrite().then(Mono.empty()))
                    .doOnCancel(() -> stream.reset().subscribe())
                    .doOnError(e -> stream.reset().subscribe());
        });
    }

    /** Reassembles the answer stream into 32-byte payloads, however the bytes were split in transit. */
    private static Flux<byte[]> answers(Flux<ByteBuf> received) {
        byte[][] partial = {new byte[PAYLOAD_SIZE]};
        int[] filled = {0};
        return received.map(ByteBufUtil::getBytes).concatMapIterable(bytes -> {
            List<byte[]> complete = new ArrayList<>(1);
            for (int offset = 0; offset < bytes.length; ) {
                int n = Math.min(bytes.length - offset, PAYLOAD_SIZE - filled[0]);
                System.arraycopy(bytes, offset, partial[0], filled[0], n);
                offset += n;
                filled[0] += n;
                if (filled[0] == PAYLOAD_SIZE) {
                    complete.add(partial[0]);
                    partial[0] = new byte[PAYLOAD_SIZE];
                    filled[0] = 0;
                }
            }
            return complete;
        });
    }

    private static byte[] random() {
        byte[] payload = new byte[PAYLOAD_SIZE];
        ThreadLocalRandom.current().nextBytes(payload);
        return payload;
    }
}
