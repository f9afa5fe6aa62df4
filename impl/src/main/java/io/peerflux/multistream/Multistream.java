package io.peerflux.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.peerflux.NegotiationException;
import io.peerflux.mux.MuxedStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * multistream-select 1.0: agrees with the remote on the protocol spoken next, on a raw connection (to pick the
 * security protocol) or on a muxed stream (to pick the application protocol).
 *
 * <p>Every operator is cold (nothing happens until subscription), runs on the connection's event loop, fails with a
 * {@link NegotiationException} ({@code notSupported}, {@code malformed}, {@code timeout} or {@code closed}) and then
 * closes the connection or resets the stream. Cancelling before agreement does the same.
 */
public final class Multistream {

    /** How long a negotiation may take unless the caller says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** A bound on the timeout, far beyond any sensible negotiation. */
    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    private Multistream() {
    }

    /**
     * The outcome of a negotiation on a muxed stream.
     *
     * <p>Ownership: the caller owns {@code leftover}, the bytes the remote sent after the negotiation (the start of
     * the agreed protocol; may be empty), and must release it. They were not reported {@linkplain
     * MuxedStream#consumed consumed}: the caller does that once it has consumed them.
     *
     * @param protocol the agreed protocol id
     * @param leftover bytes received after the negotiation, to be read before anything the stream delivers next
     */
    public record Negotiated(String protocol, ByteBuf leftover) {
    }

    /**
     * Negotiates the protocol of a raw connection, e.g. its security protocol, before anything else runs on it.
     *
     * <p>It installs a handler at the end of {@code channel}'s pipeline, which must be active and deliver
     * {@code ByteBuf}s; subscribe before the channel reads (from {@code channelActive}, or with auto-read off),
     * since bytes read earlier reach no one. The result is signalled on the event loop. The subscriber must add the
     * agreed protocol's handlers to the end of the pipeline synchronously, in {@code onNext} on that thread: the
     * handler then removes itself and fires into them the bytes that the remote sent right after the negotiation.
     *
     * @param initiator {@code true} on the side that dialed: it proposes {@code protocols} in turn; the other side
     *                  accepts the first proposal among {@code protocols} and lists them on {@code ls}
     * @param protocols protocol ids in our order of preference
     * @param timeout   how long the whole negotiation may take
     * @return the agreed protocol id
     * @throws IllegalArgumentException if {@code protocols} is empty on the initiator, holds an id that cannot be
     *                                  sent, or {@code timeout} is not positive or over a day
     */
    public static Mono<String> negotiate(Channel channel, boolean initiator, List<String> protocols,
                                         Duration timeout) {
        Objects.requireNonNull(channel, "channel");
        List<String> ids = checkProtocols(protocols, initiator);
        checkTimeout(timeout);
        Set<String> supported = Set.copyOf(ids);
        return Mono.create(sink -> {
            MultistreamNegotiator negotiator = initiator
                    ? MultistreamNegotiator.initiator(ids)
                    : MultistreamNegotiator.responder(supported::contains, () -> ids);
            ChannelNegotiationHandler handler = new ChannelNegotiationHandler(negotiator, timeout, sink);
            onEventLoop(channel.eventLoop(), () -> {
                if (channel.isActive()) {
                    channel.pipeline().addLast(handler);
                } else {
                    sink.error(NegotiationException.closed(ids));
                }
            });
            // Registered after the task above, so that a cancellation always runs after it.
            sink.onCancel(() -> onEventLoop(channel.eventLoop(), handler::cancel));
        });
    }

    /**
     * Negotiates the protocol of a muxed stream we opened, proposing {@code protocols} in turn.
     *
     * <p>It becomes the stream's listener until agreement. The result is signalled on the stream's event loop, and
     * the subscriber must set its own listener there, in {@code onNext}, before returning; later events that still
     * reach the negotiation reset the stream.
     *
     * <p>Ownership: see {@link Negotiated}. A result dropped by cancellation is released.
     *
     * @param protocols protocol ids in our order of preference
     * @param timeout   how long the whole negotiation may take
     * @throws IllegalArgumentException if {@code protocols} is empty, holds an id that cannot be sent, or
     *                                  {@code timeout} is not positive or over a day
     */
    public static Mono<Negotiated> negotiate(MuxedStream stream, List<String> protocols, Duration timeout) {
        Objects.requireNonNull(stream, "stream");
        List<String> ids = checkProtocols(protocols, true);
        checkTimeout(timeout);
        return onStream(stream, () -> MultistreamNegotiator.initiator(ids), timeout);
    }

    /**
     * Negotiates the protocol of a muxed stream the remote opened: accepts the first proposal that
     * {@code supported} matches, answers the others with {@code na} and {@code ls} with {@code listing}.
     *
     * <p>Threading and handover as for {@link #negotiate(MuxedStream, List, Duration)}; {@code supported} and
     * {@code listing} are called on the event loop, must not block and should not throw (what they throw fails the
     * negotiation).
     *
     * <p>Ownership: see {@link Negotiated}. A result dropped by cancellation is released.
     *
     * @param supported whether we speak a proposed protocol id
     * @param listing   the protocol ids we speak, for {@code ls} (only as many as fit one message are sent)
     * @param timeout   how long the whole negotiation may take
     * @throws IllegalArgumentException if {@code timeout} is not positive or over a day
     */
    public static Mono<Negotiated> accept(MuxedStream stream, Predicate<String> supported,
                                          Supplier<List<String>> listing, Duration timeout) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(supported, "supported");
        Objects.requireNonNull(listing, "listing");
        checkTimeout(timeout);
        return onStream(stream, () -> MultistreamNegotiator.responder(supported, listing), timeout);
    }

    private static Mono<Negotiated> onStream(MuxedStream stream, Supplier<MultistreamNegotiator> negotiator,
                                             Duration timeout) {
        return Mono.<Negotiated>create(sink -> {
            StreamNegotiation negotiation = new StreamNegotiation(stream, negotiator.get(), timeout, sink);
            onEventLoop(stream.eventLoop(), negotiation::start);
            // Registered after the task above, so that a cancellation always runs after it.
            sink.onCancel(() -> onEventLoop(stream.eventLoop(), negotiation::cancel));
        }).doOnDiscard(Negotiated.class, negotiated -> negotiated.leftover().release());
    }

    private static List<String> checkProtocols(List<String> protocols, boolean initiator) {
        List<String> ids = List.copyOf(protocols);
        if (initiator && ids.isEmpty()) {
            throw new IllegalArgumentException("no protocol to propose");
        }
        ids.forEach(MultistreamCodec::protocolId);
        return ids;
    }

    private static void checkTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be positive and at most a day: " + timeout);
        }
    }

    private static void onEventLoop(EventExecutor loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
