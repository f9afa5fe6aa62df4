package io.peerflux.mux.mplex;

import io.peerflux.multiformats.Varint;

/**
 * The header of one mplex message (libp2p/specs mplex, "Message format"):
 *
 * <pre>
 * +---------------------------------+------------------+---------------------+
 * | uvarint: streamId &lt;&lt; 3 | flag | uvarint: length  | length bytes of data |
 * +---------------------------------+------------------+---------------------+
 * </pre>
 *
 * <p>Stream ids are counted separately by each side from the streams it opens, so a stream is named by its id
 * together with who opened it: the flag says which side sent the message ({@link Flag#fromInitiator()}). The data
 * is the stream's name for {@link Flag#NEW_STREAM}, stream bytes for the message flags, and empty for close and
 * reset. It is not part of this record: it travels as the {@code ByteBuf}s that follow the header through the
 * pipeline, so it is never copied.
 */
record MplexFrame(long streamId, Flag flag, int length) {

    /** The largest data segment of one message: the spec's reference value, which go and js implementations use. */
    static final int MAX_MESSAGE_SIZE = 1 << 20;
    /** The largest stream id whose header still fits a {@value Varint#MAX_BYTES}-byte varint. */
    static final long MAX_STREAM_ID = Long.MAX_VALUE >>> 3;
    /** The longest encoded header: a 9-byte header varint and a 3-byte length (at most {@link #MAX_MESSAGE_SIZE}). */
    static final int MAX_HEADER_LENGTH = Varint.MAX_BYTES + 3;

    /** Message flags, in wire order: {@code ordinal()} is the flag's code. */
    enum Flag {
        NEW_STREAM, MESSAGE_RECEIVER, MESSAGE_INITIATOR, CLOSE_RECEIVER, CLOSE_INITIATOR, RESET_RECEIVER,
        RESET_INITIATOR;

        private static final Flag[] BY_CODE = values();

        /** The flag for a wire code, or {@code null} when the code (7) is unknown. */
        static Flag of(int code) {
            return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        }

        /** {@code true} when the message comes from the side that opened the stream (the even codes). */
        boolean fromInitiator() {
            return (ordinal() & 1) == 0;
        }
    }

    static MplexFrame newStream(long streamId) {
        return new MplexFrame(streamId, Flag.NEW_STREAM, 0);
    }

    static MplexFrame message(long streamId, boolean initiator, int length) {
        return new MplexFrame(streamId, initiator ? Flag.MESSAGE_INITIATOR : Flag.MESSAGE_RECEIVER, length);
    }

    static MplexFrame close(long streamId, boolean initiator) {
        return new MplexFrame(streamId, initiator ? Flag.CLOSE_INITIATOR : Flag.CLOSE_RECEIVER, 0);
    }

    static MplexFrame reset(long streamId, boolean initiator) {
        return new MplexFrame(streamId, initiator ? Flag.RESET_INITIATOR : Flag.RESET_RECEIVER, 0);
    }

    /** The value of the header varint. */
    long header() {
        return streamId << 3 | flag.ordinal();
    }
}
