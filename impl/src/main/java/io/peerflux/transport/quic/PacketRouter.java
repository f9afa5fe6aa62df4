package io.peerflux.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.collection.LongObjectHashMap;
import java.util.Arrays;

/**
 * Lets one UDP socket both accept and dial QUIC connections, as libp2p does for hole punching: Netty's server codec
 * only accepts and its client codec only dials, so both sit behind this router, which sends each datagram to the
 * codec that owns its destination connection id (RFC 9000 section 17).
 *
 * <p>Pipeline: router, then {@link ForeignTokenRetry}, then {@value #SERVER_CODEC}, then the client codec. Datagrams
 * for a connection we dialed are fired from the server codec's context, which reaches the client codec; everything
 * else goes on towards the server codec, which drops what it does not know. Both codecs' writes leave through the head as usual. Our dialed connections use
 * {@link #CONNECTION_ID_LENGTH}-byte ids that we choose, like the ids the server codec issues, so short headers
 * parse the same way for both.
 *
 * <p>Confined to the socket's event loop.
 */
final class PacketRouter extends ChannelInboundHandlerAdapter {

    /** The pipeline name of the server codec. */
    static final String SERVER_CODEC = "quic-server";
    /** The connection id length of both codecs (Netty's default, the RFC 9000 maximum). */
    static final int CONNECTION_ID_LENGTH = 20;

    /** Ids of the connections dialed from this socket, by their first eight bytes. */
    private final LongObjectHashMap<byte[]> dialed = new LongObjectHashMap<>();
    private ChannelHandlerContext serverCodec;

    /** Routes datagrams for {@code connectionId} to the client codec from now on. */
    void dialing(byte[] connectionId) {
        dialed.put(prefix(connectionId), connectionId);
    }

    /** Stops routing {@code connectionId} (its connection closed). */
    void closed(byte[] connectionId) {
        dialed.remove(prefix(connectionId));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        serverCodec = ctx.pipeline().context(SERVER_CODEC);
        if (serverCodec == null) {
            throw new IllegalStateException("the router needs a " + SERVER_CODEC + " after it");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!dialed.isEmpty() && msg instanceof DatagramPacket packet && isDialed(packet.content())) {
            serverCodec.fireChannelRead(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // The server codec does not pass read-complete on; the client codec flushes its connections on it.
        ctx.fireChannelReadComplete();
        serverCodec.fireChannelReadComplete();
    }

    private boolean isDialed(ByteBuf packet) {
        int start = packet.readerIndex();
        int length = packet.readableBytes();
        int offset;
        if (length > 0 && (packet.getByte(start) & 0x80) != 0) {
            // Long header: flags, 4-byte version, 1-byte id length, destination id.
            if (length < 6 || packet.getUnsignedByte(start + 5) != CONNECTION_ID_LENGTH) {
                return false;
            }
            offset = 6;
        } else {
            // Short header: flags, then the destination id, whose length the receiver knows.
            offset = 1;
        }
        if (length < offset + CONNECTION_ID_LENGTH) {
            return false;
        }
        byte[] id = dialed.get(packet.getLong(start + offset));
        if (id == null) {
            return false;
        }
        for (int i = 8; i < CONNECTION_ID_LENGTH; i++) {
            if (packet.getByte(start + offset + i) != id[i]) {
                return false;
            }
        }
        return true;
    }

    private static long prefix(byte[] connectionId) {
        if (connectionId.length != CONNECTION_ID_LENGTH) {
            throw new IllegalArgumentException("connection ids are " + CONNECTION_ID_LENGTH + " bytes: "
                    + Arrays.toString(connectionId));
        }
        long prefix = 0;
        for (int i = 0; i < 8; i++) {
            prefix = prefix << 8 | (connectionId[i] & 0xff);
        }
        return prefix;
    }
}
