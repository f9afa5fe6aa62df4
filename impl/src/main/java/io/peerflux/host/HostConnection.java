package io.peerflux.host;

import io.netty.channel.Channel;
import io.peerflux.Connection;
import io.peerflux.Direction;
import io.peerflux.IdentifyInfo;
import io.peerflux.LimitExceededException;
import io.peerflux.Stream;
import io.peerflux.crypto.PublicKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multistream.Multistream;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.MuxerSession;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.transport.RawConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A secured, multiplexed connection of a {@link DefaultHost}. */
final class HostConnection implements Connection {

    private static final Logger log = LoggerFactory.getLogger(HostConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final String id;
    private final PeerId localPeer;
    private final RawConnection raw;
    private final Direction direction;
    private final SecureSession secured;
    private final String security;
    private final String muxer;
    private final Duration negotiationTimeout;
    private final Sinks.One<IdentifyInfo> identified = Sinks.one();
    private volatile IdentifyInfo pushed;
    private MuxerSession session;
    /** Where the remote's streams go once the host admitted the connection; until then they wait in {@code held}. */
    private Consumer<MuxedStream> acceptor;
    private List<MuxedStream> held;
    /** When the host added it, in nanoseconds of the trimmer's clock. */
    private volatile long openedAt;
    /** Set once the host decided to close it (trimmed, idle), so that it is neither counted nor chosen again. */
    private volatile boolean closing;
    /** Its open streams, bounded by the muxer's stream limits, and how many were ever opened; event loop only. */
    private final Set<ReactiveStream> streams = new HashSet<>();
    private long streamsOpened;

    HostConnection(String id, PeerId localPeer, RawConnection raw, Direction direction, SecureSession secured,
                   String security, String muxer, Duration negotiationTimeout) {
        this.id = id;
        this.localPeer = localPeer;
        this.raw = raw;
        this.direction = direction;
        this.secured = secured;
        this.security = security;
        this.muxer = muxer;
        this.negotiationTimeout = negotiationTimeout;
    }

    /** A fresh connection id, short and unique within the JVM. */
    static String nextId() {
        return Long.toString(IDS.incrementAndGet(), 36);
    }

    void attach(MuxerSession session) {
        this.session = session;
    }

    /**
     * A stream the remote opened; kept until {@link #admit} while the upgrade steps decide (as many as the muxer's
     * inbound stream limit allows). Event loop only.
     */
    void inbound(MuxedStream stream) {
        if (acceptor != null) {
            acceptor.accept(stream);
        } else {
            if (held == null) {
                held = new ArrayList<>();
            }
            held.add(stream);
        }
    }

    /** Hands the remote's streams, those kept so far first, to {@code acceptor}. Event loop only. */
    void admit(Consumer<MuxedStream> acceptor) {
        this.acceptor = acceptor;
        if (held != null) {
            held.forEach(acceptor);
            held = null;
        }
    }

    Channel channel() {
        return raw.channel();
    }

    void opened(long nanos) {
        openedAt = nanos;
    }

    long openedAt() {
        return openedAt;
    }

    /** Closes the connection for the host's own reasons, once. */
    void closeFor(String reason) {
        if (!closing) {
            closing = true;
            log.debug("closing {}: {}", this, reason);
            close().subscribe(null, e -> log.debug("closing {} failed: {}", this, e.toString()));
        }
    }

    boolean isClosing() {
        return closing;
    }

    /** The muxer's open streams, those still negotiating included; any thread. */
    int streamCount() {
        return session.streamCount();
    }

    /** Counts {@code stream} among the open ones until it closes. Event loop only. */
    ReactiveStream track(ReactiveStream stream) {
        streams.add(stream);
        streamsOpened++;
        stream.onClose().subscribe(null, null, () -> streams.remove(stream));
        return stream;
    }

    /** The open streams (a live view). Event loop only. */
    Set<ReactiveStream> streams() {
        return streams;
    }

    /** How many streams were ever opened on it. Event loop only. */
    long streamsOpened() {
        return streamsOpened;
    }

    /** Records the remote's identify record: the first completes {@link #identify()}, later ones (push) replace it. */
    void identified(IdentifyInfo info) {
        if (identified.tryEmitValue(info).isFailure()) {
            pushed = info;
        }
    }

    void identifyFailed(Throwable error) {
        identified.tryEmitError(error);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return secured.remotePeer();
    }

    @Override
    public PublicKey remotePublicKey() {
        return secured.remoteKey();
    }

    @Override
    public Multiaddr localAddress() {
        return raw.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public String security() {
        return security;
    }

    @Override
    public String muxer() {
        return muxer;
    }

    @Override
    public Mono<Stream> newStream(String... protocols) {
        List<String> proposals = List.of(protocols);
        if (proposals.isEmpty()) {
            return Mono.error(new IllegalArgumentException("at least one protocol is required"));
        }
        return session.openStream()
                .flatMap(muxed -> Multistream.negotiate(muxed, proposals, negotiationTimeout)
                        .flatMap(agreed -> {
                            LimitExceededException refused = HostResources.negotiated(muxed, agreed);
                            return refused != null ? Mono.<Stream>error(refused)
                                    : Mono.just(track(new ReactiveStream(muxed, this, agreed.protocol(),
                                            agreed.leftover())));
                        }));
    }

    @Override
    public Mono<IdentifyInfo> identify() {
        return identified.asMono().map(first -> pushed != null ? pushed : first);
    }

    @Override
    public boolean isOpen() {
        return raw.channel().isActive();
    }

    @Override
    public Mono<Void> close() {
        return session.close();
    }

    @Override
    public Mono<Void> onClose() {
        return session.onClose();
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + direction + " " + remotePeer() + " " + remoteAddress() + "]";
    }
}
