package io.peerflux;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One bidirectional, ordered, flow-controlled byte stream multiplexed over a {@link Connection}.
 *
 * <p>Every stream ends in {@link #closeWrite()} on both sides (a clean end) or in {@link #reset()} (an abort).
 * A {@link StreamHandler}'s stream is half-closed when the handler's publisher completes and reset when it errors.
 *
 * <p>Backpressure is the flow control: the remote may send only as many bytes as this side's subscriber has
 * asked for plus one receive window, so a slow subscriber stalls the remote sender instead of growing the heap.
 */
public interface Stream {

    /** A short identifier for logs, unique within the connection. */
    String id();

    /** The connection this stream is multiplexed over. */
    Connection connection();

    /** The protocol negotiated for this stream. */
    String protocol();

    Direction direction();

    /**
     * The bytes the remote sends, in order, completing when the remote half-closes and failing with
     * {@link StreamResetException} on reset. Only one subscriber is allowed.
     *
     * <p>Ownership: a buffer belongs to the subscriber only during {@code onNext}; Peerflux releases it when
     * {@code onNext} returns unless the subscriber called {@code retain()} (then releasing it is the subscriber's
     * job). Buffers still queued when the subscriber cancels are released by Peerflux. Cancelling resets the
     * stream's read side: the remote is told to stop sending.
     */
    Flux<ByteBuf> receive();

    /**
     * Writes every buffer of {@code data} in order, requesting from it only as fast as the remote's receive window
     * and the socket allow. The returned {@code Mono} completes when {@code data} completed and everything was
     * handed to the connection; it does not close the stream (see {@link #closeWrite()}). Sends must not overlap.
     *
     * <p>Ownership: Peerflux owns every buffer it pulls from {@code data}, whatever happens (written, or released
     * on error or cancellation).
     */
    Mono<Void> send(Publisher<? extends ByteBuf> data);

    /** Half-closes the stream: tells the remote nothing more will be written. Reading continues. */
    Mono<Void> closeWrite();

    /** Aborts the stream in both directions; queued inbound buffers are released. */
    Mono<Void> reset();

    /** Completes when the stream is fully closed (both sides half-closed, or reset). */
    Mono<Void> onClose();

    /**
     * Exempts this stream from the host's idle stream timeout, for protocols whose streams live as long as the
     * connection and may carry nothing for long stretches (pubsub's, on a quiet topic). The stream still ends with its
     * connection, and counts against the resource limits as before.
     */
    void keepWhenIdle();
}
