package io.peerflux.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peerflux.ProtocolViolationException;
import io.peerflux.multiformats.Varint;
import java.util.List;

/**
 * Splits the plaintext byte stream into {@link MplexFrame} headers, each followed by its data as one or more
 * {@code ByteBuf} slices of what was read (never copied, never empty, summing to the header's length). Data is
 * passed on as it arrives instead of being gathered, so a large message costs no copy and the session can decide
 * where it goes (or that it is dropped) before any of it is buffered.
 *
 * <p>Malformed input (a varint that is longer than {@value Varint#MAX_BYTES} bytes or not minimally encoded, the
 * unknown flag 7, a length above {@link MplexFrame#MAX_MESSAGE_SIZE}) fails with {@link ProtocolViolationException}
 * of connection scope: mplex has no way to resynchronise. The decoder then discards everything that follows.
 *
 * <p>Ownership: the data slices are retained; whoever receives them releases them.
 */
final class MplexFrameDecoder extends ByteToMessageDecoder {

    private int dataRemaining;
    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
        } else if (dataRemaining > 0) {
            int n = Math.min(dataRemaining, in.readableBytes());
            dataRemaining -= n;
            out.add(in.readRetainedSlice(n));
        } else {
            MplexFrame frame = readHeader(in);
            if (frame != null) {
                dataRemaining = frame.length();
                out.add(frame);
            }
        }
    }

    /** The next header, or {@code null} (reader index untouched) while its two varints are incomplete. */
    private MplexFrame readHeader(ByteBuf in) {
        int start = in.readerIndex();
        long header;
        long length;
        try {
            header = Varint.read(in);
            length = header < 0 ? -1 : Varint.read(in);
        } catch (IllegalArgumentException e) {
            throw fail(in, e.getMessage());
        }
        if (length < 0) {
            in.readerIndex(start);
            return null;
        }
        MplexFrame.Flag flag = MplexFrame.Flag.of((int) (header & 7));
        if (flag == null) {
            throw fail(in, "unknown flag " + (header & 7) + " on stream " + (header >>> 3));
        }
        if (length > MplexFrame.MAX_MESSAGE_SIZE) {
            throw fail(in, "message of " + length + " bytes exceeds the maximum of " + MplexFrame.MAX_MESSAGE_SIZE);
        }
        return new MplexFrame(header >>> 3, flag, (int) length);
    }

    /** Fails for good: what remains of {@code in}, and all that follows, is discarded. */
    private ProtocolViolationException fail(ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return ProtocolViolationException.connection("mplex", reason);
    }
}
