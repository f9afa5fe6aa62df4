package io.peerflux.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a client Initial that carries an address validation token we did not mint with a Retry (RFC 9000 section
 * 8.1.3: a server that cannot validate a token proceeds as if the client had none, which may include a Retry). Such
 * tokens are common: a QUIC client keeps the tokens that servers gave it in NEW_TOKEN frames, keyed by server name,
 * and libp2p uses one name for every peer, so a client that met another peer first brings that peer's token. Netty
 * has no way to ignore a token (it either believes one or drops the packet), and believing a foreign token gives the
 * connection a wrong original destination connection id, which the client rejects (section 7.3).
 *
 * <p>The Retry carries a token of ours ({@link RetryTokens}); the client's next Initial brings it back and passes.
 * Token-less Initials, our own tokens and every other packet pass untouched. A v1 Initial whose header does not
 * parse is dropped, as the server codec would do.
 *
 * <p>Sits in front of the server codec, behind the {@link PacketRouter}, which sends our dialed connections' packets
 * past it. Confined to the socket's event loop.
 *
 * <p>Ownership: releases the datagrams it answers or drops, passes the others on.
 */
final class ForeignTokenRetry extends ChannelInboundHandlerAdapter {

    /** Its pipeline name. */
    static final String NAME = "quic-retry";
    /** The smallest datagram a client's Initial comes in (RFC 9000 section 14.1): smaller ones get no Retry. */
    static final int MIN_INITIAL_DATAGRAM = 1200;

    private static final Logger log = LoggerFactory.getLogger(ForeignTokenRetry.class);
    private static final int LONG_HEADER = 0x80;
    private static final int TYPE_MASK = 0x30;
    private static final int TYPE_INITIAL = 0x00;

    private final RetryTokens tokens;

    ForeignTokenRetry(RetryTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet && !passes(ctx, packet)) {
            packet.release();
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Whether {@code packet} goes on to the server codec; if not, it was answered with a Retry or is dropped.
     *
     * <p>Ownership: reads the packet without consuming or releasing it.
     */
    private boolean passes(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf in = packet.content();
        int at = in.readerIndex();
        int end = in.writerIndex();
        // Long header: flags, 4-byte version, then the length-prefixed destination and source ids (section 17.2).
        if (end - at < 6 || (in.getByte(at) & LONG_HEADER) == 0 || (in.getByte(at) & TYPE_MASK) != TYPE_INITIAL
                || in.getInt(at + 1) != RetryPacket.VERSION_1) {
            return true;
        }
        at += 5;
        int dcidLength = in.getUnsignedByte(at++);
        int dcidAt = at;
        at += dcidLength;
        if (dcidLength > RetryTokens.MAX_CONNECTION_ID_LENGTH || at >= end) {
            return false;
        }
        int scidLength = in.getUnsignedByte(at++);
        int scidAt = at;
        at += scidLength;
        if (scidLength > RetryTokens.MAX_CONNECTION_ID_LENGTH || at >= end) {
            return false;
        }
        // The token length is a variable-length integer (section 16): its first two bits give its size.
        int varintSize = 1 << (in.getUnsignedByte(at) >> 6);
        if (at + varintSize > end) {
            return false;
        }
        long tokenLength = in.getUnsignedByte(at) & 0x3f;
        for (int i = 1; i < varintSize; i++) {
            tokenLength = tokenLength << 8 | in.getUnsignedByte(at + i);
        }
        at += varintSize;
        if (tokenLength > end - at) {
            return false;
        }
        if (tokenLength == 0) {
            return true;
        }
        ByteBuf dcid = in.slice(dcidAt, dcidLength);
        if (tokens.isOurs(in.slice(at, (int) tokenLength), dcid, packet.sender())) {
            return true;
        }
        if (in.readableBytes() >= MIN_INITIAL_DATAGRAM) {
            retry(ctx, packet.sender(), ByteBufUtil.getBytes(in, scidAt, scidLength), dcid);
        }
        return false;
    }

    /** Sends a Retry to {@code client}, whose Initial came from {@code clientSourceId} to {@code odcid}. */
    private void retry(ChannelHandlerContext ctx, InetSocketAddress client, byte[] clientSourceId, ByteBuf odcid) {
        log.debug("Initial from {} brings a token we did not mint: answering with a Retry", client);
        byte[] sourceId = ConnectionIds.INSTANCE.next();
        byte[] token = tokens.mint(odcid, sourceId, client);
        byte[] retry = RetryPacket.encode(clientSourceId, sourceId, token, ByteBufUtil.getBytes(odcid));
        ctx.writeAndFlush(new DatagramPacket(ctx.alloc().ioBuffer(retry.length).writeBytes(retry), client));
    }
}
