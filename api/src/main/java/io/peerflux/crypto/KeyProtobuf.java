package io.peerflux.crypto;

import java.nio.ByteBuffer;

/**
 * The {@code PublicKey} and {@code PrivateKey} protobuf messages of the peer-ids spec, which share
 * one shape: {@code required KeyType Type = 1; required bytes Data = 2;}.
 *
 * <pre>
 *   0x08 &lt;Type varint&gt; 0x12 &lt;Data length varint&gt; &lt;Data&gt;
 * </pre>
 *
 * <p>The spec requires a deterministic encoding (minimal varints, fields in tag order, all fields
 * present, no others), because peer ids are hashes of it. The decoder accepts that encoding and
 * nothing else, so every key has exactly one wire form.
 *
 * @param type the key type
 * @param data the key-type specific encoding of the key
 */
record KeyProtobuf(KeyType type, byte[] data) {

    /**
     * The longest message accepted. An 8192-bit RSA private key, the largest key the spec's
     * implementations allow, takes about 4.7 KiB.
     */
    static final int MAX_SIZE = 8 * 1024;

    private static final int TYPE_TAG = 1 << 3;      // field 1, wire type 0 (varint)
    private static final int DATA_TAG = 2 << 3 | 2;  // field 2, wire type 2 (length-delimited)

    /** Returns the deterministic encoding of a key message. */
    static byte[] encode(KeyType type, byte[] data) {
        int lengthSize = varintSize(data.length);
        ByteBuffer out = ByteBuffer.allocate(3 + lengthSize + data.length);
        out.put((byte) TYPE_TAG).put((byte) type.protobufNumber()).put((byte) DATA_TAG);
        for (int value = data.length; ; value >>>= 7) {
            if (value < 0x80) {
                out.put((byte) value);
                break;
            }
            out.put((byte) (value | 0x80));
        }
        return out.put(data).array();
    }

    /**
     * Decodes a key message in its deterministic encoding.
     *
     * @param message the bytes of the message; not retained
     * @param what names the message in error messages, e.g. "public key"
     * @throws IllegalArgumentException if {@code message} is not exactly a deterministic encoding of
     *     the message with a known key type and at most {@link #MAX_SIZE} bytes long
     */
    static KeyProtobuf decode(byte[] message, String what) {
        if (message.length > MAX_SIZE) {
            throw new IllegalArgumentException(what + " message of " + message.length + " bytes exceeds " + MAX_SIZE);
        }
        ByteBuffer in = ByteBuffer.wrap(message);
        expectTag(in, TYPE_TAG, what, "Type");
        KeyType type = KeyType.fromProtobufNumber(readVarint(in, what));
        expectTag(in, DATA_TAG, what, "Data");
        int length = readVarint(in, what);
        if (length != in.remaining()) {
            throw new IllegalArgumentException(what + " Data field declares " + length + " bytes but "
                    + in.remaining() + " follow its length (fields other than Type and Data are not allowed)");
        }
        byte[] data = new byte[length];
        in.get(data);
        return new KeyProtobuf(type, data);
    }

    private static void expectTag(ByteBuffer in, int tag, String what, String field) {
        if (!in.hasRemaining() || in.get() != tag) {
            throw new IllegalArgumentException(what + " message must continue with field " + field
                    + " (tag 0x" + Integer.toHexString(tag) + ") at offset " + Math.max(0, in.position() - 1));
        }
    }

    /** Reads a minimally encoded varint no larger than {@link #MAX_SIZE}, which is all this message holds. */
    private static int readVarint(ByteBuffer in, String what) {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException(what + " message ends inside a varint");
            }
            int b = in.get() & 0xff;
            if (shift > 0 && b == 0) {
                throw new IllegalArgumentException(what + " message has a varint that is not minimally encoded");
            }
            value |= (b & 0x7f) << shift;
            if (b < 0x80) {
                return value;
            }
            if (value > MAX_SIZE) {
                throw new IllegalArgumentException(what + " message has a varint larger than " + MAX_SIZE);
            }
        }
    }

    private static int varintSize(int value) {
        return value < 0x80 ? 1 : value < 0x4000 ? 2 : 3;
    }
}
