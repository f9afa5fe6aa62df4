package io.peerflux.crypto;

import io.peerflux.multiformats.Varint;
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
        byte[] length = Varint.encode(data.length);
        return ByteBuffer.allocate(3 + length.length + data.length)
                .put((byte) TYPE_TAG).put((byte) type.protobufNumber())
                .put((byte) DATA_TAG).put(length).put(data)
                .array();
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
        try {
            if (message.length > MAX_SIZE) {
                throw new IllegalArgumentException(message.length + " bytes exceed the limit of " + MAX_SIZE);
            }
            ByteBuffer in = ByteBuffer.wrap(message);
            expectTag(in, TYPE_TAG, "Type");
            KeyType type = KeyType.fromProtobufNumber(readSmallVarint(in));
            expectTag(in, DATA_TAG, "Data");
            int length = readSmallVarint(in);
            if (length != in.remaining()) {
                throw new IllegalArgumentException("Data declares " + length + " bytes but " + in.remaining()
                        + " follow (nothing may follow Data)");
            }
            byte[] data = new byte[length];
            in.get(data);
            return new KeyProtobuf(type, data);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + what + " message: " + e.getMessage(), e);
        }
    }

    private static void expectTag(ByteBuffer in, int tag, String field) {
        if (!in.hasRemaining() || in.get() != tag) {
            throw new IllegalArgumentException("expected field " + field + " (tag 0x" + Integer.toHexString(tag)
                    + ") at offset " + Math.max(0, in.position() - 1));
        }
    }

    /** Reads a minimally encoded varint; values over {@link #MAX_SIZE} cannot be valid in this message. */
    private static int readSmallVarint(ByteBuffer in) {
        long value = Varint.read(in);
        if (value > MAX_SIZE) {
            throw new IllegalArgumentException("varint value " + value + " is out of range");
        }
        return (int) value;
    }
}
