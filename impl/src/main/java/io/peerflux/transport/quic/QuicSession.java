package io.peerflux.transport.quic;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicPathEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerflux.ConnectionClosedException;
import io.peerflux.Direction;
import io.peerflux.HandshakeException;
import io.peerflux.LimitExceededException;
import io.peerflux.crypto.PublicKey;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import io.peerflux.peer.PeerId;
import io.peerflux.resource.ConnectionResources;
import io.peerflux.resource.StreamResources;
import io.peerflux.security.SecureSession;
import io.peerflux.transport.RawConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One QUIC connection, secured and multiplexed by QUIC itself: the handler of a {@link QuicChannel}, confined to its
 * event loop. Each bidirectional QUIC stream is one libp2p stream; the connection is closed with application error
 * code 0.
 */
final class QuicSession extends ChannelInboundHandlerAdapter implements RawConnection.Upgraded, MuxerSession {

    /** The security protocol reported for QUIC connections: libp2p TLS inside QUIC. */
    static final String SECURITY = "/tls/1.0.0";
    /** The muxer reported for QUIC connections: QUIC's own streams. */
    static final String MUXER = "quic-v1";

    private static final Logger log = LoggerFactory.getLogger(QuicSession.class);

    /** The stream handler of every QUIC channel: hands each stream the remote opens to its connection's session. */
    static final ChannelHandler INBOUND_STREAMS = new ChannelInitializer<QuicStreamChannel>() {
        @Override
        protected void initChannel(QuicStreamChannel streamChannel) {
            QuicSession session = streamChannel.parent().pipeline().get(QuicSession.class);
            if (session == null) {
                streamChannel.close();
            } else {
                session.accepted(streamChannel);
            }
        }
    };

    private final Direction direction;
    private final int maxResetStreams;
    private final Duration handshakeTimeout;
    /** Told when an inbound connection's handshake completed and the remote is known; {@code null} outbound. */
    private final Consumer<QuicSession> onEstablished;

    private QuicChannel channel;
    private ScheduledFuture<?> handshakeTimer;
    private SecureSession secured;
    private Consumer<MuxedStream> inbound;
    /** Streams the remote opened before {@link #start}; QUIC's stream limit bounds them. */
    private ArrayDeque<QuicMuxedStream> unclaimed = new ArrayDeque<>();
    private volatile int streamCount;
    private int outboundCount;
    private int resetStreams;

    private QuicSession(Direction direction, int maxResetStreams, Duration handshakeTimeout,
                        Consumer<QuicSession> onEstablished) {
        this.direction = direction;
        this.maxResetStreams = maxResetStreams;
        this.handshakeTimeout = handshakeTimeout;
        this.onEstablished = onEstablished;
    }

    /** A connection we dial; its handshake timeout is the dial's connect timeout. */
    static QuicSession outbound(QuicConfig config) {
        return new QuicSession(Direction.OUTBOUND, config.maxResetStreams(), null, null);
    }

    /** A connection a listener accepted: dropped unless established within the handshake timeout. */
    static QuicSession inbound(QuicConfig config, Consumer<QuicSession> onEstablished) {
        return new QuicSession(Direction.INBOUND, config.maxResetStreams(), config.handshakeTimeout(),
                onEstablished);
    }

    QuicChannel channel() {
        return channel;
    }

    /**
     * The remote's identity, read from the certificate the handshake verified. Call once the handshake completed.
     *
     * @throws HandshakeException if there is no valid libp2p certificate
     */
    SecureSession establish() {
        if (secured == null) {
            PublicKey remoteKey = QuicTls.remoteOf(channel);
            secured = new SecureSession(PeerId.fromPublicKey(remoteKey), remoteKey, null);
        }
        return secured;
    }

    // ---- RawConnection.Upgraded ----

    @Override
    public SecureSession session() {
        return secured;
    }

    @Override
    public String security() {
        return SECURITY;
    }

    @Override
    public String muxer() {
        return MUXER;
    }

    @Override
    public MuxerSession start(Consumer<MuxedStream> inbound) {
        this.inbound = inbound;
        ArrayDeque<QuicMuxedStream> early = unclaimed;
        unclaimed = null;
        QuicMuxedStream stream;
        while ((stream = early.poll()) != null) {
            inbound.accept(stream);
        }
        return this;
    }

    // ---- MuxerSession ----

    /**
     * Opens a bidirectional stream. Fails with {@link LimitExceededException} when the remote allows no more open
     * streams right now, {@link ConnectionClosedException} when the connection is closed. Cancelling resets a stream
     * that opened meanwhile.
     */
    @Override
    public Mono<MuxedStream> openStream() {
        return Mono.create(sink -> {
            boolean[] cancelled = {false};
            sink.onCancel(() -> channel.eventLoop().execute(() -> cancelled[0] = true));
            channel.eventLoop().execute(() -> {
                if (!channel.isActive()) {
                    sink.error(ConnectionClosedException.of(channel, null));
                    return;
                }
                if (channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) <= 0) {
                    sink.error(LimitExceededException.of("quic streams the remote allows", outboundCount, 1,
                            outboundCount));
                    return;
                }
                StreamResources reserved;
                try {
                    reserved = ConnectionResources.of(channel).openStream(Direction.OUTBOUND, 0);
                } catch (LimitExceededException e) {
                    sink.error(e);
                    return;
                }
                QuicMuxedStream stream = new QuicMuxedStream(this, Direction.OUTBOUND);
                stream.reserved(reserved);
                channel.createStream(QuicStreamType.BIDIRECTIONAL, stream).addListener(created -> {
                    if (!created.isSuccess()) {
                        reserved.close();
                        sink.error(channel.isActive() ? created.cause()
                                : ConnectionClosedException.of(channel, created.cause()));
                    } else if (cancelled[0]) {
                        stream.reset();
                    } else {
                        sink.success(stream);
                    }
                });
            });
        });
    }

    /** Closes the connection with application error code 0; completes once it is closed. */
    @Override
    public Mono<Void> close() {
        return Mono.create(sink -> channel.close(true, 0, Unpooled.EMPTY_BUFFER).addListener(f -> sink.success()));
    }

    @Override
    public Mono<Void> onClose() {
        return Mono.create(sink -> channel.closeFuture().addListener(f -> sink.success()));
    }

    @Override
    public int streamCount() {
        return streamCount;
    }

    // ---- streams ----

    /** A stream the remote opened: becomes a {@link QuicMuxedStream}, held until {@link #start} if need be. */
    void accepted(QuicStreamChannel streamChannel) {
        QuicMuxedStream stream = new QuicMuxedStream(this, Direction.INBOUND);
        streamChannel.pipeline().addLast(stream);
        try {
            stream.reserved(ConnectionResources.of(channel).openStream(Direction.INBOUND, 0));
        } catch (LimitExceededException e) {
            log.debug("{}: resetting stream {}: {}", channel, stream.id(), e.getMessage());
            stream.reset();
            return;
        }
        if (inbound != null) {
            inbound.accept(stream);
        } else {
            unclaimed.add(stream);
        }
    }

    void streamOpened(QuicMuxedStream stream) {
        streamCount++;
        if (stream.direction() == Direction.OUTBOUND) {
            outboundCount++;
        }
    }

    /**
     * A stream ended, {@code cleanly} when both sides sent FIN. Netty's codec keeps the state of every other stream
     * until the connection closes (it forgets a stream only once its FIN was read), so after
     * {@link QuicConfig#maxResetStreams()} of those the connection is closed to bound that memory.
     */
    void streamClosed(QuicMuxedStream stream, boolean cleanly) {
        streamCount--;
        if (stream.direction() == Direction.OUTBOUND) {
            outboundCount--;
        }
        if (!cleanly && ++resetStreams == maxResetStreams) {
            log.debug("{}: closing after {} reset streams", channel, resetStreams);
            channel.close(true, 0, Unpooled.EMPTY_BUFFER);
        }
    }

    // ---- connection events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (QuicChannel) ctx.channel();
        if (handshakeTimeout != null) {
            handshakeTimer = ctx.executor().schedule(() -> {
                log.debug("{}: no handshake within {}", channel, handshakeTimeout);
                channel.close();
            }, handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (onEstablished == null) {
            return;
        }
        try {
            establish();
        } catch (HandshakeException e) {
            log.debug("{}: {}", channel, e.getMessage());
            channel.close();
            return;
        }
        onEstablished.accept(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        log.debug("{}: {}", channel, event);
        if (event instanceof QuicPathEvent.PeerMigrated) {
            // The remote's address changed (a NAT that forgot its mapping gave it a new port) and quiche moved the
            // connection to the new path. quiche (0.24.5 in Netty 4.2.18) never retransmits what was in flight on
            // the old path (cloudflare/quiche#2452): a stream we were sending on keeps a hole the remote waits for,
            // and stalls with no error while other traffic keeps the connection alive. Close the connection instead,
            // so its streams fail at once and the application can reconnect.
            log.debug("{}: the remote's address changed, closing", channel);
            ctx.executor().execute(() -> channel.close(true, 0, Unpooled.EMPTY_BUFFER));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: {}", channel, cause.toString());
    }

    @Override
    public String toString() {
        return "QuicSession[" + direction + " " + channel + "]";
    }
}
