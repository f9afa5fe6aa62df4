package io.peerflux.multistream;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.peerflux.multiformats.Varint;
import java.util.ArrayList;
import java.util.List;

/**
 * The multistream-select wire format. Every message is one line of UTF-8 text behind an unsigned-varint length that
 * counts the text and its newline:
 *
 * <pre>
 * +----------------+----------------------+------+
 * | uvarint length | UTF-8 text, no '\n'  | '\n' |
 * +----------------+----------------------+------+
 *                  |<--------- length ---------->|
 *
 * "na"  = 03 6e 61 0a
 * header = 13 "/multistream/1.0.0" 0a
 * </pre>
 *
 * <p>The answer to {@code ls} is a single message whose text is the concatenation of one such message per protocol
 * (so it spans lines; it is the only message that does):
 *
 * <pre>
 * | uvarint length | uvarint len1 | proto1 | '\n' | uvarint len2 | proto2 | '\n' | ... | '\n' |
 * </pre>
 *
 * <p>Lengths above {@link #MAX_MESSAGE_SIZE} are refused, so a length prefix never needs more than two bytes; the
 * reader parses that bounded prefix itself to refuse an over-long one from its second byte.
 */
final class MultistreamCodec {

    /** The protocol id of multistream-select itself, sent as the first message by both sides. */
    static final String PROTOCOL_ID = "/multistream/1.0.0";

    /**
     * The largest message length (text plus newline) we accept, and the largest {@code ls} answer we send. 1024 is
     * the limit of go-multistream and js-libp2p, so a longer message would not interoperate anyway.
     */
    static final int MAX_MESSAGE_SIZE = 1024;

    /** The longest protocol id, in UTF-8 bytes, that fits a message. */
    static final int MAX_PROTOCOL_ID_LENGTH = MAX_MESSAGE_SIZE - 1;

    /** Text of the "not available" answer. */
    static final byte[] NA = "na".getBytes(UTF_8);

    /** Text of the listing request. */
    static final byte[] LS = "ls".getBytes(UTF_8);

    private static final byte NEWLINE = '\n';

    /** The header message as it is on the wire. */
    private static final byte[] HEADER = header();

    private MultistreamCodec() {
    }

    /**
     * Returns the UTF-8 text of a protocol id after checking that it can be sent.
     *
     * @throws IllegalArgumentException if the id is empty, contains a newline or is longer than
     *         {@link #MAX_PROTOCOL_ID_LENGTH} bytes
     */
    static byte[] protocolId(String id) {
        byte[] text = id.getBytes(UTF_8);
        if (text.length == 0 || text.length > MAX_PROTOCOL_ID_LENGTH || id.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("not a sendable protocol id: \"" + id + "\"");
        }
        return text;
    }

    static void writeHeader(ByteBuf out) {
        out.writeBytes(HEADER);
    }

    static void writeMessage(ByteBuf out, byte[] text) {
        Varint.write(text.length + 1, out);
        out.writeBytes(text);
        out.writeByte(NEWLINE);
    }

    static void writeMessage(ByteBuf out, ByteBuf text) {
        Varint.write(text.readableBytes() + 1, out);
        out.writeBytes(text, text.readerIndex(), text.readableBytes());
        out.writeByte(NEWLINE);
    }

    /**
     * Writes the answer to {@code ls}: the protocols in order, as many as fit {@link #MAX_MESSAGE_SIZE} (the rest are
     * left out, since a longer answer would be refused by go and js peers).
     */
    static void writeListing(ByteBuf out, List<String> protocols) {
        List<byte[]> listed = new ArrayList<>(protocols.size());
        int length = 1; // the closing newline
        for (String protocol : protocols) {
            byte[] text = protocol.getBytes(UTF_8);
            int line = Varint.size(text.length + 1) + text.length + 1;
            if (length + line > MAX_MESSAGE_SIZE) {
                break;
            }
            listed.add(text);
            length += line;
        }
        Varint.write(length, out);
        for (byte[] text : listed) {
            writeMessage(out, text);
        }
        out.writeByte(NEWLINE);
    }

    /**
     * Reads the multistream header at {@code in}'s reader index. Fails as soon as the bytes received so far differ
     * from it, so a peer speaking something else (HTTP, TLS, ...) is refused after its first byte.
     *
     * @return {@code true} once the header has been read, {@code false} while it is incomplete (nothing is read)
     */
    static boolean readHeader(ByteBuf in) throws Malformed {
        int start = in.readerIndex();
        int available = Math.min(in.readableBytes(), HEADER.length);
        for (int i = 0; i < available; i++) {
            if (in.getByte(start + i) != HEADER[i]) {
                throw new Malformed("expected the " + PROTOCOL_ID + " header");
            }
        }
        if (available < HEADER.length) {
            return false;
        }
        in.skipBytes(HEADER.length);
        return true;
    }

    /**
     * Reads the single-line message at {@code in}'s reader index.
     *
     * <p>Ownership: the returned text is a slice of {@code in} that is valid only until {@code in} changes; it is not
     * retained.
     *
     * @return the message text without its newline, or {@code null} while the message is incomplete (nothing is
     *         read)
     * @throws Malformed if the length is zero, over {@link #MAX_MESSAGE_SIZE} or not minimally encoded, or the text
     *         does not end with, or contains another, newline
     */
    static ByteBuf readMessage(ByteBuf in) throws Malformed {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available < 1) {
            return null;
        }
        int first = in.getUnsignedByte(start);
        int length;
        int prefix;
        if (first < 0x80) {
            length = first;
            prefix = 1;
        } else {
            if (available < 2) {
                return null;
            }
            int second = in.getUnsignedByte(start + 1);
            if (second >= 0x80) {
                throw new Malformed("length prefix over " + MAX_MESSAGE_SIZE + " bytes");
            }
            if (second == 0) {
                throw new Malformed("length prefix is not minimally encoded");
            }
            length = (first & 0x7f) | second << 7;
            prefix = 2;
        }
        if (length == 0) {
            throw new Malformed("empty message");
        }
        if (length > MAX_MESSAGE_SIZE) {
            throw new Malformed("message of " + length + " bytes, over " + MAX_MESSAGE_SIZE);
        }
        if (available < prefix + length) {
            return null;
        }
        int textStart = start + prefix;
        int newline = textStart + length - 1;
        if (in.getByte(newline) != NEWLINE) {
            throw new Malformed("message does not end with a newline");
        }
        if (in.indexOf(textStart, newline, NEWLINE) >= 0) {
            throw new Malformed("message has more than one line");
        }
        in.readerIndex(newline + 1);
        return in.slice(textStart, length - 1);
    }

    private static byte[] header() {
        byte[] text = PROTOCOL_ID.getBytes(UTF_8);
        byte[] header = new byte[1 + text.length + 1];
        header[0] = (byte) (text.length + 1);
        System.arraycopy(text, 0, header, 1, text.length);
        header[header.length - 1] = NEWLINE;
        return header;
    }

    /** The remote sent bytes that are not a valid multistream message; says why. */
    static final class Malformed extends Exception {

        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }
}
