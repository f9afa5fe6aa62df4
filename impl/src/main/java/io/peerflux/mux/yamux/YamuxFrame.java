package io.peerflux.mux.yamux;

/**
 * The 12-byte header of one Yamux frame (hashicorp/yamux spec.md, "Framing"):
 *
 * <pre>
 *  byte 0           1           2           3
 *  +-----------+-----------+-----------------------+
 *  | version 0 |   type    |     flags (16 bit)    |
 *  +-----------+-----------+-----------------------+
 *  |              stream id (32 bit)               |
 *  +-----------------------------------------------+
 *  |                length (32 bit)                |
 *  +-----------------------------------------------+
 *  | DATA only: length bytes of payload ...
 * </pre>
 *
 * <p>All fields are big-endian. {@code length} means: DATA, the payload size; WINDOW_UPDATE, a window delta;
 * PING, an opaque value the remote echoes; GO_AWAY, an error code. Stream id and length are unsigned 32-bit values
 * held in {@code int}s. The payload of a DATA frame is not part of this record: it travels as the
 * {@code ByteBuf}s that follow the header through the pipeline, so it is never copied.
 */
record YamuxFrame(Type type, int flags, int streamId, int length) {

    static final int HEADER_LENGTH = 12;
    static final int VERSION = 0;

    /** Opens a stream (DATA, WINDOW_UPDATE), or marks a ping request. */
    static final int SYN = 0x1;
    /** Accepts a stream (DATA, WINDOW_UPDATE), or marks a ping reply. */
    static final int ACK = 0x2;
    /** Half-closes a stream: the sender writes no more. */
    static final int FIN = 0x4;
    /** Resets a stream, or rejects an opening one. */
    static final int RST = 0x8;

    static final int GO_AWAY_NORMAL = 0;
    static final int GO_AWAY_PROTOCOL_ERROR = 1;

    /** Frame types, in wire order: {@code ordinal()} is the type byte. */
    enum Type {
        DATA, WINDOW_UPDATE, PING, GO_AWAY;

        private static final Type[] BY_CODE = values();

        /** The type for a wire code, or {@code null} when the code is unknown. */
        static Type of(int code) {
            return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        }
    }

    static YamuxFrame data(int flags, int streamId, int length) {
        return new YamuxFrame(Type.DATA, flags, streamId, length);
    }

    static YamuxFrame windowUpdate(int flags, int streamId, int delta) {
        return new YamuxFrame(Type.WINDOW_UPDATE, flags, streamId, delta);
    }

    static YamuxFrame ping(int flags, int opaque) {
        return new YamuxFrame(Type.PING, flags, 0, opaque);
    }

    static YamuxFrame goAway(int code) {
        return new YamuxFrame(Type.GO_AWAY, 0, 0, code);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    @Override
    public String toString() {
        return type + "(flags=0x" + Integer.toHexString(flags) + ", stream=" + Integer.toUnsignedString(streamId)
                + ", length=" + Integer.toUnsignedString(length) + ")";
    }
}
