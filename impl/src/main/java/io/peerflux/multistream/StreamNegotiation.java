package io.peerflux.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerflux.NegotiationException;
import io.peerflux.multistream.Multistream.Negotiated;
import io.peerflux.mux.MuxedStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.MonoSink;

/**
 * Runs a negotiation on a muxed stream as its listener, then hands the stream over with the bytes that followed the
 * negotiation. Every method runs on the stream's event loop.
 *
 * <p>Handover: the sink is completed from inside a listener callback, and its subscriber must install its own
 * listener ({@link MuxedStream#listen}) before it returns. An event that still reaches this listener afterwards
 * cannot be delivered to anyone, so it resets the stream rather than lose data silently.
 *
 * <p>Credit: the bytes of multistream messages are reported {@linkplain MuxedStream#consumed consumed} here; the
 * leftover bytes are not, since their new owner has not consumed them yet.
 *
 * <p>On failure the sink gets a {@link NegotiationException} and the stream is reset; so it is when the
 * subscription is cancelled before agreement.
 */
final class StreamNegotiation implements MuxedStream.Listener {

    private static final Logger log = LoggerFactory.getLogger(StreamNegotiation.class);

    private enum State { NEGOTIATING, SELECTED, FAILED }

    private final MuxedStream stream;
    private final MultistreamNegotiator negotiator;
    private final Duration timeout;
    private final MonoSink<Negotiated> sink;
    private ScheduledFuture<?> timer;
    private ByteBuf held;
    private State state = State.NEGOTIATING;

    StreamNegotiation(MuxedStream stream, MultistreamNegotiator negotiator, Duration timeout,
                      MonoSink<Negotiated> sink) {
        this.stream = stream;
        this.negotiator = negotiator;
        this.timeout = timeout;
        this.sink = sink;
    }

    /** Sends this side's opening messages and starts listening. */
    void start() {
        timer = stream.eventLoop().schedule(
                () -> fail(NegotiationException.timeout(negotiator.protocols(), timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        negotiator.start(out);
        send(out);
        stream.listen(this);
    }

    /** Gives up on a cancelled subscription: resets the stream. */
    void cancel() {
        if (state == State.NEGOTIATING) {
            state = State.FAILED;
            releaseResources();
            stream.reset();
        }
    }

    @Override
    public void onData(ByteBuf data) {
        if (state != State.NEGOTIATING) {
            data.release();
            unclaimed("data");
            return;
        }
        ByteBufAllocator alloc = data.alloc();
        held = held == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, held, data);
        int before = held.readerIndex();
        ByteBuf reply = alloc.buffer();
        String selected;
        try {
            selected = negotiator.read(held, reply);
        } catch (RuntimeException e) {
            reply.release();
            fail(e);
            return;
        }
        stream.consumed(held.readerIndex() - before);
        send(reply);
        if (selected != null) {
            succeed(selected);
        }
    }

    @Override
    public void onRemoteClose() {
        if (state == State.NEGOTIATING) {
            fail(NegotiationException.closed(negotiator.protocols()));
        } else {
            unclaimed("remote close");
        }
    }

    @Override
    public void onReset(Throwable cause) {
        if (state == State.NEGOTIATING) {
            log.debug("stream {} reset during multistream negotiation", stream.id(), cause);
            fail(NegotiationException.closed(negotiator.protocols()));
        }
    }

    @Override
    public void onWritable() {
        // Negotiation messages are tiny and few (bounded by the negotiator); they are written regardless.
    }

    private void send(ByteBuf out) {
        if (out.isReadable()) {
            stream.write(out);
            stream.flush();
        } else {
            out.release();
        }
    }

    private void succeed(String protocol) {
        state = State.SELECTED;
        timer.cancel(false);
        ByteBuf leftover = held;
        held = null;
        if (!leftover.isReadable()) {
            leftover.release();
            leftover = Unpooled.EMPTY_BUFFER;
        }
        sink.success(new Negotiated(protocol, leftover));
    }

    private void fail(Throwable error) {
        if (state != State.NEGOTIATING) {
            return;
        }
        log.debug("stream {}: multistream negotiation failed: {}", stream.id(), error.toString());
        state = State.FAILED;
        releaseResources();
        stream.reset();
        sink.error(error);
    }

    private void releaseResources() {
        if (timer != null) {
            timer.cancel(false);
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }

    /** An event reached this listener after the handover: its subscriber did not take the stream over in time. */
    private void unclaimed(String event) {
        if (state == State.SELECTED) {
            log.debug("stream {}: {} after multistream negotiation but before a new listener was set; resetting",
                    stream.id(), event);
            state = State.FAILED;
            stream.reset();
        }
    }
}
