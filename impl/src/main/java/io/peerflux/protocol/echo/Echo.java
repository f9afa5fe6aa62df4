package io.peerflux.protocol.echo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.Connection;
import io.peerflux.ProtocolViolationException;
import io.peerflux.StreamHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /echo/1.0.0}, as js-libp2p's {@code @libp2p/echo}: the responder writes back every byte it reads and
 * half-closes when the initiator does.
 */
public final class Echo {

    public static final String PROTOCOL_ID = "/echo/1.0.0";

    private Echo() {
    }

    /** Serves echo: inbound buffers are retained and written straight back, so nothing is copied. */
    public static StreamHandler handler() {
        return stream -> stream.send(stream.receive().map(ByteBuf::retain));
    }

    /**
     * Sends {@code payload} (in chunks of {@code chunkSize}) over a new echo stream, half-closes, and checks that
     * exactly the same bytes come back. Completes with the number of bytes echoed.
     */
    public static Mono<Long> echo(Connection connection, byte[] payload, int chunkSize) {
        return connection.newStream(PROTOCOL_ID).flatMap(stream -> {
            Flux<ByteBuf> chunks = Flux.range(0, (payload.length + chunkSize - 1) / chunkSize)
                    .map(i -> Unpooled.wrappedBuffer(payload, i * chunkSize,
                            Math.min(chunkSize, payload.length - i * chunkSize)));
            MessageDigest expected = sha256();
            expected.update(payload);
            MessageDigest received = sha256();
            long[] count = new long[1];
            Mono<Void> sent = stream.send(chunks).then(stream.closeWrite());
            Mono<Long> replied = stream.receive()
                    .doOnNext(buf -> {
                        count[0] += buf.readableBytes();
                        received.update(buf.nioBuffer());
                    })
                    .then(Mono.fromCallable(() -> {
                        if (count[0] != payload.length
                                || !MessageDigest.isEqual(expected.digest(), received.digest())) {
                            throw ProtocolViolationException.stream(PROTOCOL_ID,
                                    "sent " + payload.length + " bytes, echo returned " + count[0]
                                            + " different bytes");
                        }
                        return count[0];
                    }));
            return Mono.zip(sent.thenReturn(true), replied, (done, echoed) -> echoed);
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
