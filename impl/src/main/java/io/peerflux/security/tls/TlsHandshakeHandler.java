package io.peerflux.security.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Sinks;

/**
 * Watches the {@link SslHandler} in front of it: when the TLS handshake completes, it authenticates the remote (the
 * host key its certificate carries, checked against the dialed peer), reads the ALPN outcome, reports the
 * {@link SecureSession} and removes itself; when the handshake fails or does not complete within the timeout, which
 * it keeps from the moment it is added, it reports why and closes the channel. Either way {@code result} receives
 * exactly one signal, on the event loop, and nothing is thrown there.
 *
 * <p>Ownership: it never holds a buffer; application data decrypted after the handshake passes through untouched.
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeHandler.class);
    /** How deep a failure's causes are searched for the reason, a guard against cyclic cause chains. */
    private static final int MAX_CAUSE_DEPTH = 8;

    private final PeerId expectedRemote;
    private final List<String> muxers;
    private final Duration timeout;
    private final Sinks.One<SecureSession> result;
    private boolean finished;
    private ScheduledFuture<?> timer;

    /**
     * @param expectedRemote the peer that was dialed, or {@code null} to accept any
     * @param muxers the muxers offered or accepted in ALPN
     */
    TlsHandshakeHandler(PeerId expectedRemote, List<String> muxers, Duration timeout, Sinks.One<SecureSession> result) {
        this.expectedRemote = expectedRemote;
        this.muxers = muxers;
        this.timeout = timeout;
        this.result = result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            fail(ctx, HandshakeException.invalid("connection closed before the handshake"));
            return;
        }
        timer = ctx.executor().schedule(() -> fail(ctx, HandshakeException.timeout(timeout)), timeout.toNanos(),
                TimeUnit.NANOSECONDS);
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read(); // later reads are requested by the SslHandler while the handshake needs data
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                complete(ctx);
            } else {
                fail(ctx, asHandshakeException(completion.cause()));
            }
            return;
        }
        if (event instanceof ChannelInputShutdownEvent) {
            fail(ctx, HandshakeException.invalid("remote closed its side during the handshake"));
        }
        super.userEventTriggered(ctx, event);
    }

    /**
     * Authenticates the remote and reports success, then removes this handler. Success is signalled before the
     * removal so that a subscriber which adds its handlers synchronously (on this event loop) receives the
     * application data that the SslHandler decrypts next.
     */
    private void complete(ChannelHandlerContext ctx) {
        SSLEngine engine = ctx.pipeline().get(SslHandler.class).engine();
        SSLSession session = engine.getSession();
        PublicKey remoteKey;
        try {
            remoteKey = Libp2pCertificate.remoteHostKey(session);
        } catch (CertificateException e) {
            fail(ctx, HandshakeException.invalid("remote certificate rejected: " + e.getMessage(), e));
            return;
        }
        PeerId remote = PeerId.fromPublicKey(remoteKey);
        if (expectedRemote != null && !expectedRemote.matches(remoteKey)) {
            fail(ctx, HandshakeException.peerMismatch(expectedRemote, remote));
            return;
        }
        String protocol = engine.getApplicationProtocol();
        String earlyMuxer = protocol != null && muxers.contains(protocol) ? protocol : null;
        finish();
        log.debug("TLS with {}: {} {}, ALPN {}", remote, session.getProtocol(), session.getCipherSuite(), protocol);
        result.tryEmitValue(new SecureSession(remote, remoteKey, earlyMuxer));
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(ctx, HandshakeException.invalid("connection closed during the handshake"));
        super.channelInactive(ctx);
    }

    /** Swallows what the SslHandler re-throws after failing the handshake; reports anything else as a failure. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, asHandshakeException(cause));
    }

    private void fail(ChannelHandlerContext ctx, HandshakeException cause) {
        if (finished) {
            return;
        }
        finish();
        log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
        result.tryEmitError(cause);
        ctx.close();
    }

    private void finish() {
        finished = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static HandshakeException asHandshakeException(Throwable cause) {
        if (cause instanceof HandshakeException handshake) {
            return handshake;
        }
        Throwable c = cause;
        for (int depth = 0; c != null && depth < MAX_CAUSE_DEPTH; depth++, c = c.getCause()) {
            if (c instanceof CertificateException rejected) {
                return HandshakeException.invalid("remote certificate rejected: " + rejected.getMessage(), cause);
            }
            if (c instanceof NotSslRecordException) {
                return HandshakeException.invalid("not a TLS record", cause);
            }
        }
        return HandshakeException.invalid("TLS failed: " + cause, cause);
    }
}
