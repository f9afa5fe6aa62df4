package io.peerflux.security.plaintext;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peerflux.HandshakeException;
import io.peerflux.crypto.PublicKey;
import io.peerflux.multiformats.Varint;
import io.peerflux.peer.PeerId;
import io.peerflux.security.SecureSession;
import io.peerflux.security.plaintext.pb.PlaintextProtos.Exchange;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Sinks;

/**
 * One side of the plaintext exchange: sends our {@code Exchange} (varint length prefix, then the message) when
 * added, reads the remote's, checks that its id is the hash of its key (and the dialed peer, when one was dialed),
 * reports the session and removes itself; bytes that followed the remote's message are passed on. Both sides send
 * at once, so there is no initiator or responder role. {@code result} receives exactly one signal, on the event loop.
 *
 * <p>Ownership: inbound bytes are consumed (released by {@link ByteToMessageDecoder}); the message it writes is owned
 * by the pipeline.
 */
final class PlaintextHandshakeHandler extends ByteToMessageDecoder {

    /**
     * The longest {@code Exchange} accepted: a 42-byte id plus an 8192-bit RSA key (about 1.1 KiB), with room to
     * spare.
     */
    static final int MAX_EXCHANGE_SIZE = 4096;

    private static final Logger log = LoggerFactory.getLogger(PlaintextHandshakeHandler.class);

    private final PublicKey localKey;
    private final PeerId expectedRemote;
    private final Sinks.One<SecureSession> result;
    private boolean finished;

    PlaintextHandshakeHandler(PublicKey localKey, PeerId expectedRemote, Sinks.One<SecureSession> result) {
        this.localKey = localKey;
        this.expectedRemote = expectedRemote;
        this.result = result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            fail(ctx, HandshakeException.invalid("connection closed before the handshake"));
            return;
        }
        byte[] message = Exchange.newBuilder()
                .setId(ByteString.copyFrom(PeerId.fromPublicKey(localKey).bytes()))
                .setPubkey(ByteString.copyFrom(localKey.marshal()))
                .build().toByteArray();
        ByteBuf frame = ctx.alloc().buffer(Varint.size(message.length) + message.length);
        Varint.write(message.length, frame);
        frame.writeBytes(message);
        ctx.writeAndFlush(frame).addListener(written -> {
            if (!written.isSuccess()) {
                fail(ctx, HandshakeException.invalid("cannot send the exchange message", written.cause()));
            }
        });
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (finished) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        long length;
        try {
            length = Varint.read(in);
        } catch (IllegalArgumentException e) {
            fail(ctx, HandshakeException.invalid("malformed exchange length: " + e.getMessage()));
            return;
        }
        if (length > MAX_EXCHANGE_SIZE) {
            fail(ctx, HandshakeException.invalid("exchange message of " + length + " bytes exceeds "
                    + MAX_EXCHANGE_SIZE));
            return;
        }
        if (length < 0 || in.readableBytes() < length) {
            in.readerIndex(start);
            return;
        }
        byte[] message = ByteBufUtil.getBytes(in, in.readerIndex(), (int) length);
        in.skipBytes((int) length);
        try {
            complete(ctx, authenticate(message));
        } catch (HandshakeException e) {
            fail(ctx, e);
        }
    }

    /** The remote's key, once its message is well formed and its id is the hash of that key. */
    private PublicKey authenticate(byte[] message) {
        Exchange exchange;
        try {
            exchange = Exchange.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            throw HandshakeException.invalid("malformed exchange message", e);
        }
        if (!exchange.hasId() || !exchange.hasPubkey()) {
            throw HandshakeException.invalid("exchange message lacks the peer id or the public key");
        }
        PublicKey key;
        PeerId claimed;
        try {
            key = PublicKey.unmarshal(exchange.getPubkey().toByteArray());
            claimed = PeerId.fromBytes(exchange.getId().toByteArray());
        } catch (IllegalArgumentException e) {
            throw HandshakeException.invalid("unusable peer id or public key", e);
        }
        if (!claimed.matches(key)) {
            throw HandshakeException.invalid("peer id " + claimed + " does not belong to the public key sent");
        }
        if (expectedRemote != null && !expectedRemote.equals(claimed)) {
            throw HandshakeException.peerMismatch(expectedRemote, claimed);
        }
        return key;
    }

    /**
     * Reports success, then removes this handler, which passes any bytes that followed the message on. Success is
     * signalled first so that a subscriber adding its handlers synchronously receives those bytes.
     */
    private void complete(ChannelHandlerContext ctx, PublicKey remoteKey) {
        finished = true;
        result.tryEmitValue(new SecureSession(PeerId.fromPublicKey(remoteKey), remoteKey, null));
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
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
        log.debug("plaintext exchange with {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
        result.tryEmitError(cause);
        ctx.close();
    }
}
