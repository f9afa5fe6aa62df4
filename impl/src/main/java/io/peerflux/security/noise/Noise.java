package io.peerflux.security.noise;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.security.SecureTransport;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

/**
 * libp2p Noise ({@value #PROTOCOL_ID}): secures a raw connection with Noise_XX_25519_ChaChaPoly_SHA256, authenticates
 * the remote by its libp2p identity key, and negotiates the stream muxer within the handshake when both sides offer
 * some. Immutable and shared by every connection.
 *
 * <p>One static Noise key pair is generated when the instance is created and serves all its handshakes, as the spec
 * permits ("a single static keypair may be generated when noise-libp2p is initialized and used for all sessions",
 * noise/README.md, "Static Key Authentication"); it is never stored. Forward secrecy comes from the ephemeral keys,
 * fresh for every handshake. Reusing it saves each handshake a key derivation and, since the signed payload then
 * stays the same, an identity signature: about a tenth of a handshake's CPU time in a profile.
 */
public final class Noise implements SecureTransport {

    /** The protocol id negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/noise";

    static final String HANDSHAKE_NAME = "noise-handshake";
    static final String DECODER_NAME = "noise-decoder";
    static final String ENCODER_NAME = "noise-encoder";

    private final NoiseConfig config;
    /** A DRBG seeded once here, so that handshakes on event loops never read the OS entropy source. */
    private final SecureRandom random;
    private final X25519.KeyPair staticKey;
    /** The last payload signed, reused while identity and muxers stay the same (usually: one host, forever). */
    private volatile SignedPayload lastPayload;

    /** A signed handshake payload and what it was made from. */
    private record SignedPayload(PrivateKey identity, List<String> muxers, byte[] encoded) {
    }

    private Noise(NoiseConfig config) {
        this.config = config;
        try {
            this.random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has a DRBG", e);
        }
        // Choosing the implementations may load Conscrypt: here, where a host is built, not on an event loop.
        this.staticKey = X25519.selected().generate(random);
        ChaChaPolyProviders.selected();
        ShortMessageCipher.provider();
    }

    /** Noise with {@link NoiseConfig#defaults()}. */
    public static Noise create() {
        return create(NoiseConfig.defaults());
    }

    public static Noise create(NoiseConfig config) {
        return new Noise(Objects.requireNonNull(config, "config"));
    }

    public NoiseConfig config() {
        return config;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The handshake starts at once, not on subscription: its handlers are appended to the pipeline during this
     * call (when made on the channel's event loop) so that bytes fired right after it are not lost. The result is
     * signalled on the event loop; a subscriber that adds its own handlers right then, synchronously, also receives
     * the transport messages that arrived together with the last handshake message. Cancelling closes the channel.
     *
     * <p>Fails with {@link HandshakeException}: {@code peerMismatch} when the remote is not {@code expectedRemote},
     * {@code timeout} after {@link NoiseConfig#handshakeTimeout()}, {@code invalid} for anything else (malformed or
     * unauthentic messages, a bad identity signature, no muxer in common when both sides offered some, the
     * connection closing). The channel is closed on failure.
     */
    @Override
    public Mono<SecureSession> secure(Channel channel, boolean initiator, PrivateKey localKey, PeerId expectedRemote,
                                      List<String> muxers) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(localKey, "localKey");
        List<String> offered = List.copyOf(muxers);
        byte[] payload;
        try {
            payload = payload(localKey, offered);
        } catch (RuntimeException e) {
            channel.close();
            return Mono.error(HandshakeException.invalid("cannot sign the handshake payload", e));
        }
        Sinks.One<SecureSession> result = Sinks.one();
        NoiseTransportEncoder encoder = new NoiseTransportEncoder();
        NoiseHandshakeHandler handshake = new NoiseHandshakeHandler(newHandshake(initiator), initiator, payload,
                expectedRemote, offered, config.handshakeTimeout(), encoder, result);
        Runnable install = () -> {
            try {
                ChannelPipeline pipeline = channel.pipeline();
                // Outbound, the handshake's own messages skip the encoder behind it; everything later passes it.
                pipeline.addLast(HANDSHAKE_NAME, handshake);
                pipeline.addAfter(HANDSHAKE_NAME, ENCODER_NAME, encoder);
            } catch (RuntimeException e) {
                result.tryEmitError(HandshakeException.invalid("cannot install the Noise handlers", e));
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

    private NoiseHandshake newHandshake(boolean initiator) {
        return new NoiseHandshake(initiator, new byte[0], staticKey, X25519.selected().generate(random));
    }

    private byte[] payload(PrivateKey identity, List<String> muxers) {
        SignedPayload last = lastPayload;
        if (last == null || last.identity() != identity || !last.muxers().equals(muxers)) {
            last = new SignedPayload(identity, muxers,
                    NoiseHandshakeHandler.payload(identity, staticKey.publicKey(), muxers));
            lastPayload = last;
        }
        return last.encoded();
    }
}
