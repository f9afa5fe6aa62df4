package io.peerflux.pubsub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.ProtocolViolationException;
import io.peerflux.multiformats.Varint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pubsub's framing (pubsub spec, "The RPC"; go-libp2p-pubsub and js-libp2p write it so): each RPC is prefixed with its
 * length as an unsigned varint.
 *
 * <pre>
 * +----------------------+---------------------------+
 * | length (uvarint, ≤5) | RPC protobuf, length bytes |
 * +----------------------+---------------------------+
 * </pre>
 *
 * {@link #push} takes bytes as they arrive and hands back the RPCs they complete, copied out (so the caller's buffers
 * can be released at once); a length over the limit, or a prefix longer than a 32-bit length needs, is a stream
 * violation, found as soon as the prefix is read, before the RPC's bytes are buffered.
 */
public final class PubsubFrames {

    /** Bytes of a length prefix: 5 is enough for any {@code int}. */
    private static final int MAX_PREFIX = 5;

    private final int maxRpcSize;
    private final String protocol;
    private byte[] pending = new byte[0];
    private int pendingLength;

    /**
     * @param maxRpcSize the largest RPC read, bytes (see {@link GossipsubConfig#maxRpcSize()})
     * @param protocol the protocol id, for error messages
     */
    public PubsubFrames(int maxRpcSize, String protocol) {
        this.maxRpcSize = maxRpcSize;
        this.protocol = protocol;
    }

    /** An RPC with its length prefix, ready to write. */
    public static ByteBuf frame(byte[] rpc) {
        ByteBuf out = Unpooled.buffer(Varint.size(rpc.length) + rpc.length);
        Varint.write(rpc.length, out);
        return out.writeBytes(rpc);
    }

    /**
     * Appends {@code in} and returns every RPC now complete.
     *
     * <p>Ownership: {@code in} is read to its end and not released; the caller still owns it.
     *
     * @throws ProtocolViolationException (stream scope) on a length over the limit or a malformed prefix; the frames
     *     are unusable afterwards
     */
    public List<byte[]> push(ByteBuf in) {
        int n = in.readableBytes();
        if (pendingLength + n > pending.length) {
            int cap = maxRpcSize + MAX_PREFIX;
            pending = Arrays.copyOf(pending, Math.max(pendingLength + n, Math.min(Math.max(16, pending.length * 2), cap)));
        }
        in.readBytes(pending, pendingLength, n);
        pendingLength += n;
        List<byte[]> out = List.of();
        int at = 0;
        while (true) {
            long length = 0;
            int i = at;
            boolean complete = false;
            for (int shift = 0; i < pendingLength; shift += 7) {
                if (shift == 7 * MAX_PREFIX) {
                    throw ProtocolViolationException.stream(protocol, "RPC length prefix too long");
                }
                byte b = pending[i++];
                length |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    complete = true;
                    break;
                }
            }
            if (!complete && i - at == MAX_PREFIX) {
                throw ProtocolViolationException.stream(protocol, "RPC length prefix too long");
            }
            if (!complete) {
                break;
            }
            if (length > maxRpcSize) {
                throw ProtocolViolationException.stream(protocol, "RPC of " + length + " bytes, limit " + maxRpcSize);
            }
            if (pendingLength - i < length) {
                break;
            }
            if (out.isEmpty()) {
                out = new ArrayList<>(1);
            }
            out.add(Arrays.copyOfRange(pending, i, i + (int) length));
            at = i + (int) length;
        }
        if (at > 0) {
            System.arraycopy(pending, at, pending, 0, pendingLength - at);
            pendingLength -= at;
        }
        return out;
    }

    /** Whether bytes of an unfinished RPC are held. */
    public boolean hasPartial() {
        return pendingLength > 0;
    }
}
