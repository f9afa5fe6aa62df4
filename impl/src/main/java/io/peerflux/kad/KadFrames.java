package io.peerflux.kad;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.ProtocolViolationException;
import io.peerflux.multiformats.Varint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DHT's framing (kad-dht spec, "RPC messages"): each message is prefixed with its length as an unsigned varint.
 * {@link #push} takes bytes as they arrive and hands back the messages they complete, copied out (so the caller's
 * buffers can be released at once); a length over the limit or a varint longer than it may be is a stream violation.
 */
final class KadFrames {

    private final int maxMessageSize;
    private final String protocol;
    private byte[] pending = new byte[0];
    private int pendingLength;

    KadFrames(int maxMessageSize, String protocol) {
        this.maxMessageSize = maxMessageSize;
        this.protocol = protocol;
    }

    /** A message with its length prefix, ready to write. */
    static ByteBuf frame(byte[] message) {
        ByteBuf out = Unpooled.buffer(Varint.size(message.length) + message.length);
        Varint.write(message.length, out);
        return out.writeBytes(message);
    }

    /** Appends {@code in} (read, not released) and returns every message now complete. */
    List<byte[]> push(ByteBuf in) {
        int n = in.readableBytes();
        if (pendingLength + n > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + n, Math.min(pending.length * 2,
                    maxMessageSize + Varint.MAX_BYTES)));
        }
        in.readBytes(pending, pendingLength, n);
        pendingLength += n;
        List<byte[]> out = List.of();
        int at = 0;
        while (true) {
            long length = 0;
            int shift = 0;
            int i = at;
            boolean complete = false;
            while (i < pendingLength) {
                byte b = pending[i++];
                length |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    complete = true;
                    break;
                }
                shift += 7;
                if (shift >= 7 * 5) {
                    throw ProtocolViolationException.stream(protocol, "message length prefix too long");
                }
            }
            if (!complete) {
                break;
            }
            if (length > maxMessageSize) {
                throw ProtocolViolationException.stream(protocol,
                        "message of " + length + " bytes, limit " + maxMessageSize);
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
        if (pendingLength > maxMessageSize + Varint.MAX_BYTES) {
            throw ProtocolViolationException.stream(protocol, "message over " + maxMessageSize + " bytes");
        }
        return out;
    }

    /** Whether bytes of an unfinished message are held. */
    boolean hasPartial() {
        return pendingLength > 0;
    }
}
