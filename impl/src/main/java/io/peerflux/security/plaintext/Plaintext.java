package io.peerflux.security.plaintext;

import io.netty.channel.Channel;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.security.SecureTransport;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

/**
 * libp2p plaintext ({@value #PROTOCOL_ID}): the two sides exchange their peer ids and public keys, and nothing is
 * encrypted or authenticated afterwards. <strong>Not for production</strong>: anyone on the path can read, forge and
 * impersonate. It exists because test suites (the libp2p interop suite among them) use it. Immutable and shared.
 *
 * <p>The stream muxer is always negotiated afterwards with multistream-select: plaintext has no early negotiation.
 * The handshake has no timeout of its own; the host's handshake timeout bounds it.
 */
public final class Plaintext implements SecureTransport {

    /** The protocol id negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/plaintext/2.0.0";

    static final String HANDSHAKE_NAME = "plaintext-handshake";

    private static final Plaintext INSTANCE = new Plaintext();

    private Plaintext() {
    }

    public static Plaintext create() {
        return INSTANCE;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /**
     * {@inheritDoc}
     *
     * <p>As with Noise, the exchange starts at once (its handler is added during this call when made on the event
     * loop) and the result is signalled on the event loop. {@code muxers} is ignored. Fails with
     * {@link HandshakeException}: {@code peerMismatch} when the remote is not {@code expectedRemote}, {@code invalid}
     * for a malformed or oversized message, an id that does not belong to the key, or the connection closing.
     * Cancelling closes the channel.
     */
    @Override
    public Mono<SecureSession> secure(Channel channel, boolean initiator, PrivateKey localKey, PeerId expectedRemote,
                                      List<String> muxers) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(localKey, "localKey");
        Sinks.One<SecureSession> result = Sinks.one();
        PlaintextHandshakeHandler handshake = new PlaintextHandshakeHandler(localKey.publicKey(), expectedRemote,
                result);
        Runnable install = () -> {
            try {
                channel.pipeline().addLast(HANDSHAKE_NAME, handshake);
            } catch (RuntimeException e) {
                result.tryEmitError(HandshakeException.invalid("cannot install the plaintext handler", e));
                channel.close();
            }
        };
        if (channel.eventLoop().inEventLoop()) {
            install.run();
        } else {
            channel.eventLoop().execute(install);
        }
        return result.asMono().doFinally(signal -> {
            if (signal == SignalType.CANCEL) {
                channel.close();
            }
        });
    }
}
