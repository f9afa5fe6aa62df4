package io.peerflux.kad;

import io.netty.buffer.ByteBuf;
import io.peerflux.ProtocolViolationException;
import io.peerflux.Stream;
import java.util.List;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Our side of an outbound DHT stream, reused for one request after another (the spec allows several per stream): a
 * single reader stays subscribed to {@link Stream#receive()} and asks for bytes only while an answer is awaited.
 * Requests on one stream never overlap; the caller owns it between {@link #exchange} calls.
 */
final class KadStream {

    private final Stream stream;
    private final Reader reader;
    private volatile boolean broken;

    KadStream(Stream stream, int maxMessageSize, String protocol) {
        this.stream = stream;
        this.reader = new Reader(new KadFrames(maxMessageSize, protocol));
        stream.receive().subscribe(reader);
    }

    Stream stream() {
        return stream;
    }

    /** Whether the stream can carry another request. */
    boolean usable() {
        return !broken && stream.connection().isOpen();
    }

    /** Writes {@code message} and, when {@code expectsResponse}, reads the answer (else completes empty). */
    Mono<byte[]> exchange(byte[] message, boolean expectsResponse) {
        Mono<Void> sent = stream.send(Mono.fromCallable(() -> KadFrames.frame(message)));
        if (!expectsResponse) {
            return sent.then(Mono.empty());
        }
        return Mono.defer(() -> {
            Sinks.One<byte[]> answer = reader.await();
            return sent.then(answer.asMono());
        }).doOnError(e -> broken = true).doOnCancel(() -> broken = true);
    }

    /** Resets the stream (a request was abandoned or failed): the remote stops working on it. */
    void reset() {
        broken = true;
        stream.reset().subscribe(null, e -> { });
    }

    /** Ends a stream that will not be used again. */
    void close() {
        broken = true;
        stream.closeWrite().subscribe(null, e -> { });
        reader.dispose();
    }

    private final class Reader extends BaseSubscriber<ByteBuf> {
        private final KadFrames frames;
        private Sinks.One<byte[]> waiting;
        private Throwable failed;

        Reader(KadFrames frames) {
            this.frames = frames;
        }

        synchronized Sinks.One<byte[]> await() {
            Sinks.One<byte[]> sink = Sinks.one();
            if (failed != null) {
                sink.tryEmitError(failed);
            } else {
                waiting = sink;
                request(1);
            }
            return sink;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // Nothing is read until an answer is awaited.
        }

        @Override
        protected synchronized void hookOnNext(ByteBuf buf) {
            List<byte[]> messages;
            try {
                messages = frames.push(buf);
                if (messages.size() > 1 || (!messages.isEmpty() && waiting == null)) {
                    throw ProtocolViolationException.stream("kad", "an answer nobody asked for");
                }
            } catch (ProtocolViolationException e) {
                fail(e);
                cancel();
                return;
            }
            if (messages.isEmpty()) {
                if (waiting != null) {
                    request(1);
                }
                return;
            }
            Sinks.One<byte[]> sink = waiting;
            waiting = null;
            sink.tryEmitValue(messages.get(0));
        }

        @Override
        protected synchronized void hookOnError(Throwable error) {
            fail(error);
        }

        @Override
        protected synchronized void hookOnComplete() {
            fail(ProtocolViolationException.stream("kad", "stream closed before the answer"));
        }

        private void fail(Throwable error) {
            broken = true;
            failed = error;
            if (waiting != null) {
                Sinks.One<byte[]> sink = waiting;
                waiting = null;
                sink.tryEmitError(error);
            }
        }
    }
}
