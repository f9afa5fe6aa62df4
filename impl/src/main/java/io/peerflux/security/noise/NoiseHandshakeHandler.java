package io.peerflux.security.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.security.noise.pb.NoiseProtos.NoiseExtensions;
import io.peerflux.security.noise.pb.NoiseProtos.NoiseHandshakePayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Sinks;

/**
 * Runs one side of the libp2p Noise handshake on a channel: frames the three XX messages with their 2-byte length
 * prefix, signs and checks the libp2p handshake payloads, and negotiates the early muxer. On success it hands the
 * transport ciphers to a {@link NoiseTransportDecoder} (added in its place) and the {@link NoiseTransportEncoder}
 * (already behind it), then removes itself; bytes that arrived after the last handshake message are passed on to the
 * decoder. On failure it closes the channel. Either way {@code result} receives exactly one signal, on the event
 * loop, and nothing is thrown there.
 *
 * <p>Ownership: inbound bytes are consumed (released by {@link ByteToMessageDecoder}); the handshake messages it
 * writes are owned by the pipeline.
 */
final class NoiseHandshakeHandler extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(NoiseHandshakeHandler.class);
    private static final byte[] STATIC_KEY_SIGNATURE_PREFIX =
            "noise-libp2p-static-key:".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NO_PAYLOAD = new byte[0];
    static final int LENGTH_FIELD = 2;

    private final NoiseHandshake handshake;
    private final boolean initiator;
    private final byte[] localPayload;
    private final PeerId expectedRemote;
    private final List<String> muxers;
    private final Duration timeout;
    private final NoiseTransportEncoder encoder;
    private final Sinks.One<SecureSession> result;

    private ScheduledFuture<?> timeoutTask;
    private boolean finished;
    private PublicKey remoteKey;
    private List<String> remoteMuxers;

    /**
     * @param localPayload our signed handshake payload, from {@link #payload}, for the handshake's static key
     * @param expectedRemote the peer the initiator dialed, or {@code null} to accept any
     * @param muxers the muxers offered in {@code localPayload}, in preference order
     */
    NoiseHandshakeHandler(NoiseHandshake handshake, boolean initiator, byte[] localPayload, PeerId expectedRemote,
                          List<String> muxers, Duration timeout, NoiseTransportEncoder encoder,
                          Sinks.One<SecureSession> result) {
        this.handshake = handshake;
        this.initiator = initiator;
        this.localPayload = localPayload;
        this.expectedRemote = expectedRemote;
        this.muxers = muxers;
        this.timeout = timeout;
        this.encoder = encoder;
        this.result = result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeoutTask = ctx.executor().schedule(() -> fail(ctx, HandshakeException.timeout(timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (!ctx.channel().isActive()) {
            fail(ctx, HandshakeException.invalid("connection closed before the handshake"));
            return;
        }
        if (initiator) {
            try {
                send(ctx, handshake.writeMessage(NO_PAYLOAD));
                ctx.flush();
            } catch (RuntimeException e) {
                fail(ctx, asHandshakeException(e));
                return;
            }
        }
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read(); // later reads are requested by ByteToMessageDecoder while a message is incomplete
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (finished) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < LENGTH_FIELD) {
            return;
        }
        int length = in.getUnsignedShort(in.readerIndex());
        if (in.readableBytes() < LENGTH_FIELD + length) {
            return;
        }
        byte[] message = ByteBufUtil.getBytes(in, in.readerIndex() + LENGTH_FIELD, length);
        in.skipBytes(LENGTH_FIELD + length);
        try {
            onMessage(ctx, message);
        } catch (RuntimeException e) {
            fail(ctx, asHandshakeException(e));
        }
    }

    private void onMessage(ChannelHandlerContext ctx, byte[] message) {
        byte[] payload = handshake.readMessage(message);
        if (initiator) { // <- e, ee, s, es: the responder is authenticated, answer and finish
            authenticate(payload);
            send(ctx, handshake.writeMessage(localPayload));
            complete(ctx);
        } else if (!handshake.isComplete()) { // -> e: its payload is unauthenticated and ignored
            send(ctx, handshake.writeMessage(localPayload));
            ctx.flush();
        } else { // -> s, se
            authenticate(payload);
            complete(ctx);
        }
    }

    /**
     * The signed payload: {@code identity} signs the Noise static public key, and our muxers ride along as
     * extensions. Sent in messages 2 and 3 only (message 1 is not yet secret). It depends on nothing else, so one
     * payload serves every handshake with the same static key, identity and muxers.
     */
    static byte[] payload(PrivateKey identity, byte[] staticPublicKey, List<String> muxers) {
        byte[] signed = concat(STATIC_KEY_SIGNATURE_PREFIX, staticPublicKey);
        NoiseHandshakePayload.Builder payload = NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
                .setIdentitySig(ByteString.copyFrom(identity.sign(signed)));
        if (!muxers.isEmpty()) {
            payload.setExtensions(NoiseExtensions.newBuilder().addAllStreamMuxers(muxers));
        }
        return payload.build().toByteArray();
    }

    /** Checks the remote payload: its identity key must have signed the Noise static key it just proved to own. */
    private void authenticate(byte[] payload) {
        NoiseHandshakePayload decoded;
        try {
            decoded = NoiseHandshakePayload.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw HandshakeException.invalid("malformed handshake payload", e);
        }
        PublicKey key;
        try {
            key = PublicKey.unmarshal(decoded.getIdentityKey().toByteArray());
        } catch (RuntimeException e) {
            throw HandshakeException.invalid("unusable identity key", e);
        }
        byte[] signed = concat(STATIC_KEY_SIGNATURE_PREFIX, handshake.remoteStaticPublicKey());
        if (!verifies(key, signed, decoded.getIdentitySig().toByteArray())) {
            throw HandshakeException.invalid("identity signature does not cover the Noise static key");
        }
        if (expectedRemote != null && !expectedRemote.matches(key)) {
            throw HandshakeException.peerMismatch(expectedRemote, PeerId.fromPublicKey(key));
        }
        remoteKey = key;
        remoteMuxers = decoded.getExtensions().getStreamMuxersList();
    }

    private static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
        try {
            return key.verify(data, signature);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Installs the transport ciphers, reports success, then removes this handler. Success is signalled before the
     * removal so that a subscriber which adds its handlers synchronously (on this event loop) receives the bytes
     * that followed the last handshake message.
     */
    private void complete(ChannelHandlerContext ctx) {
        String earlyMuxer = initiator ? selectMuxer(muxers, remoteMuxers) : selectMuxer(remoteMuxers, muxers);
        NoiseHandshake.TransportCiphers ciphers = handshake.split();
        ctx.pipeline().addAfter(ctx.name(), Noise.DECODER_NAME, new NoiseTransportDecoder(ciphers.receive()));
        finished = true;
        timeoutTask.cancel(false);
        encoder.activate(ciphers.send());
        result.tryEmitValue(new SecureSession(PeerId.fromPublicKey(remoteKey), remoteKey, earlyMuxer));
        ctx.flush(); // our last handshake message, with whatever the subscriber wrote
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    /**
     * The first of the initiator's muxers that the responder also offered; {@code null} when either offered none
     * (multistream-select decides then). Offers without overlap fail the handshake, as the spec demands.
     */
    private static String selectMuxer(List<String> initiatorMuxers, List<String> responderMuxers) {
        if (initiatorMuxers.isEmpty() || responderMuxers.isEmpty()) {
            return null;
        }
        for (String muxer : initiatorMuxers) {
            if (responderMuxers.contains(muxer)) {
                return muxer;
            }
        }
        throw HandshakeException.invalid("no stream muxer in common: initiator offers " + initiatorMuxers
                + ", responder offers " + responderMuxers);
    }

    private void send(ChannelHandlerContext ctx, byte[] message) {
        ByteBuf frame = ctx.alloc().buffer(LENGTH_FIELD + message.length);
        frame.writeShort(message.length).writeBytes(message);
        ctx.write(frame).addListener(written -> {
            if (!written.isSuccess()) {
                fail(ctx, HandshakeException.invalid("cannot send handshake message", written.cause()));
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(ctx, HandshakeException.invalid("connection closed during the handshake"));
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ChannelInputShutdownEvent) {
            fail(ctx, HandshakeException.invalid("remote closed its side during the handshake"));
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, HandshakeException.invalid("connection failed during the handshake", cause));
    }

    private void fail(ChannelHandlerContext ctx, HandshakeException cause) {
        if (finished) {
            return;
        }
        finished = true;
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
        }
        log.debug("Noise handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
        result.tryEmitError(cause);
        ctx.close();
    }

    private static HandshakeException asHandshakeException(RuntimeException e) {
        return e instanceof HandshakeException handshakeFailure
                ? handshakeFailure
                : HandshakeException.invalid("unexpected " + e, e);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] out = new byte[first.length + second.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }
}
