package io.peerflux.kad.record;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of DAG-CBOR (ipld/specs, "DAG-CBOR") that IPNS record data needs: a map with text keys
 * whose values IPNS reads as byte strings and unsigned integers. Any other well-formed DAG-CBOR
 * value (extension fields) is checked and skipped.
 *
 * <p>The encoder writes the canonical form: definite lengths, the shortest integer and length
 * encodings, and map keys sorted by length then bytewise. That form is what IPNS signs, so it must
 * match go-ipld-prime and {@code @ipld/dag-cbor} byte for byte.
 *
 * <p>The decoder rejects what the DAG-CBOR spec forbids: indefinite lengths, integers and lengths
 * not in their shortest form (as {@code @ipld/dag-cbor}'s strict decoding does), duplicate map keys,
 * non-text map keys, tags other than 42 (CID), floats other than finite 64-bit ones, and simple
 * values other than false, true and null. Like go-ipld-prime and {@code @ipld/dag-cbor} it does
 * not insist on sorted map keys: the signature covers the exact bytes, so a record from an encoder
 * that does not sort keys cannot mean anything other than what its signer wrote. Duplicate keys
 * are refused because they could: two readers may pick different values for one key.
 *
 * <p>Not a general codec: no lists, CIDs or floats are produced, and a decoded map holds only byte
 * strings ({@code byte[]}), unsigned integers up to {@link Long#MAX_VALUE} ({@code Long}) and an
 * {@link Other} for everything else.
 */
final class DagCbor {

    /** Deepest nesting of lists, maps and tags read; IPNS data is a flat map, extensions rarely nest. */
    static final int MAX_DEPTH = 64;

    private static final int UNSIGNED = 0;
    private static final int NEGATIVE = 1;
    private static final int BYTES = 2;
    private static final int TEXT = 3;
    private static final int ARRAY = 4;
    private static final int MAP = 5;
    private static final int TAG = 6;
    private static final int SIMPLE = 7;

    private static final int CID_TAG = 42;
    private static final int FALSE = 20;
    private static final int TRUE = 21;
    private static final int NULL = 22;
    private static final int FLOAT64 = 27;
    private static final int INDEFINITE = 31;

    /** The length-then-bytewise order of DAG-CBOR map keys, on their UTF-8 bytes. */
    static final Comparator<String> KEY_ORDER = Comparator
            .comparingInt((String key) -> utf8(key).length)
            .thenComparing(DagCbor::utf8, Arrays::compareUnsigned);

    /**
     * A decoded value that is neither a byte string nor an unsigned integer up to
     * {@link Long#MAX_VALUE}.
     *
     * @param kind what it is, for error messages: "text string", "map", ...
     */
    record Other(String kind) {
    }

    private final byte[] in;
    private int position;

    private DagCbor(byte[] in) {
        this.in = in;
    }

    /**
     * Decodes {@code data}, which must be exactly one DAG-CBOR map with text keys.
     *
     * @return the entries in the order they appear: {@code byte[]}, {@code Long} or {@link Other}
     * @throws InvalidRecordException if the bytes are not that; the message says where and why
     */
    static Map<String, Object> decodeMap(byte[] data) throws InvalidRecordException {
        DagCbor decoder = new DagCbor(data);
        int initial = decoder.readInitialByte();
        if (initial >>> 5 != MAP) {
            throw new InvalidRecordException("DAG-CBOR data is a " + kind(initial >>> 5) + ", not a map");
        }
        Map<String, Object> entries = decoder.readMapEntries(decoder.readArgument(initial), 1);
        if (decoder.position != data.length) {
            throw new InvalidRecordException("DAG-CBOR map is followed by " + (data.length - decoder.position)
                    + " byte(s) at offset " + decoder.position);
        }
        return entries;
    }

    /**
     * Encodes a map in canonical DAG-CBOR.
     *
     * @param entries values are {@code byte[]} or non-negative {@code Long}
     * @return the encoding, keys sorted by {@link #KEY_ORDER}
     * @throws IllegalArgumentException if a value is of another type or negative
     */
    static byte[] encodeMap(Map<String, ?> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> keys = new ArrayList<>(entries.keySet());
        keys.sort(KEY_ORDER);
        writeHead(out, MAP, keys.size());
        for (String key : keys) {
            byte[] keyBytes = utf8(key);
            writeHead(out, TEXT, keyBytes.length);
            out.writeBytes(keyBytes);
            Object value = entries.get(key);
            if (value instanceof byte[] bytes) {
                writeHead(out, BYTES, bytes.length);
                out.writeBytes(bytes);
            } else if (value instanceof Long number && number >= 0) {
                writeHead(out, UNSIGNED, number);
            } else {
                throw new IllegalArgumentException("cannot encode " + key + " = " + value
                        + ": only byte arrays and non-negative longs");
            }
        }
        return out.toByteArray();
    }

    private static void writeHead(ByteArrayOutputStream out, int major, long argument) {
        int type = major << 5;
        if (argument < 24) {
            out.write(type | (int) argument);
        } else if (argument <= 0xff) {
            out.write(type | 24);
            out.write((int) argument);
        } else if (argument <= 0xffff) {
            out.write(type | 25);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) argument).array());
        } else if (argument <= 0xffff_ffffL) {
            out.write(type | 26);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) argument).array());
        } else {
            out.write(type | 27);
            out.writeBytes(ByteBuffer.allocate(8).putLong(argument).array());
        }
    }

    private Map<String, Object> readMapEntries(long count, int depth) throws InvalidRecordException {
        requireItems(count, 2);
        Map<String, Object> entries = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            int keyOffset = position;
            int initial = readInitialByte();
            if (initial >>> 5 != TEXT) {
                throw new InvalidRecordException("DAG-CBOR map key at offset " + keyOffset + " is a "
                        + kind(initial >>> 5) + ", not a text string");
            }
            String key = readText(readArgument(initial));
            if (entries.containsKey(key)) {
                throw new InvalidRecordException("DAG-CBOR map repeats key \"" + key + "\" at offset " + keyOffset);
            }
            entries.put(key, readValue(depth));
        }
        return entries;
    }

    private Object readValue(int depth) throws InvalidRecordException {
        int initial = readInitialByte();
        int major = initial >>> 5;
        switch (major) {
            case UNSIGNED -> {
                long value = readArgument(initial);
                return value >= 0 ? (Object) value : new Other("unsigned integer over 2^63-1");
            }
            case BYTES -> {
                return readBytes(readArgument(initial));
            }
            case NEGATIVE -> readArgument(initial);
            case TEXT -> readText(readArgument(initial));
            case ARRAY, MAP -> {
                if (depth >= MAX_DEPTH) {
                    throw new InvalidRecordException("DAG-CBOR nests deeper than " + MAX_DEPTH + " at offset " + (position - 1));
                }
                long count = readArgument(initial);
                if (major == MAP) {
                    readMapEntries(count, depth + 1);
                } else {
                    requireItems(count, 1);
                    for (long i = 0; i < count; i++) {
                        readValue(depth + 1);
                    }
                }
            }
            case TAG -> readCid(initial);
            default -> readSimple(initial);
        }
        return new Other(kind(major));
    }

    /** Reads the rest of a tag item, which in DAG-CBOR can only be a CID: tag 42 on bytes led by 0x00. */
    private void readCid(int initial) throws InvalidRecordException {
        int offset = position - 1;
        long tag = readArgument(initial);
        if (tag != CID_TAG) {
            throw new InvalidRecordException("DAG-CBOR allows only tag 42 (CID), not tag "
                    + Long.toUnsignedString(tag) + " at offset " + offset);
        }
        int content = readInitialByte();
        byte[] cid = content >>> 5 == BYTES ? readBytes(readArgument(content)) : new byte[0];
        if (cid.length == 0 || cid[0] != 0) {
            throw new InvalidRecordException("DAG-CBOR tag 42 at offset " + offset
                    + " must hold a byte string starting with 0x00");
        }
    }

    private void readSimple(int initial) throws InvalidRecordException {
        int info = initial & 0x1f;
        if (info == FALSE || info == TRUE || info == NULL) {
            return;
        }
        if (info != FLOAT64) {
            throw new InvalidRecordException("DAG-CBOR allows only false, true, null and 64-bit floats, not simple/float "
                    + "item 0x" + Integer.toHexString(initial) + " at offset " + (position - 1));
        }
        requireBytes(8);
        double value = ByteBuffer.wrap(in, position, 8).getDouble();
        if (!Double.isFinite(value)) {
            throw new InvalidRecordException("DAG-CBOR forbids NaN and infinities, at offset " + (position - 1));
        }
        position += 8;
    }

    private int readInitialByte() throws InvalidRecordException {
        requireBytes(1);
        return in[position++] & 0xff;
    }

    /**
     * Reads the argument that follows an initial byte, requiring the shortest form.
     *
     * @return the argument; negative when it exceeds {@link Long#MAX_VALUE} (only an integer value can)
     */
    private long readArgument(int initial) throws InvalidRecordException {
        int offset = position - 1;
        int info = initial & 0x1f;
        if (info < 24) {
            return info;
        }
        if (info == INDEFINITE) {
            throw new InvalidRecordException("DAG-CBOR forbids indefinite lengths, at offset " + offset);
        }
        if (info > 27) {
            throw new InvalidRecordException("reserved CBOR additional information " + info + " at offset " + offset);
        }
        int size = 1 << (info - 24);
        requireBytes(size);
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = value << 8 | (in[position++] & 0xff);
        }
        long smallestForSize = size == 1 ? 24 : 1L << (size * 4);
        if (Long.compareUnsigned(value, smallestForSize) < 0) {
            throw new InvalidRecordException("CBOR argument " + value + " at offset " + offset
                    + " is not in its shortest form, which DAG-CBOR requires");
        }
        return value;
    }

    private byte[] readBytes(long length) throws InvalidRecordException {
        requireBytes(length);
        byte[] bytes = Arrays.copyOfRange(in, position, position + (int) length);
        position += (int) length;
        return bytes;
    }

    private String readText(long length) throws InvalidRecordException {
        int offset = position;
        byte[] bytes = readBytes(length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRecordException("DAG-CBOR text string at offset " + offset + " is not valid UTF-8", e);
        }
    }

    /** Fails early on counts that cannot fit, so a forged count cannot make the loop run long. */
    private void requireItems(long count, int bytesPerItem) throws InvalidRecordException {
        if (Long.compareUnsigned(count, (in.length - position) / bytesPerItem) > 0) {
            throw new InvalidRecordException("truncated DAG-CBOR: " + Long.toUnsignedString(count)
                    + " items announced at offset " + position + " but " + (in.length - position) + " byte(s) left");
        }
    }

    private void requireBytes(long count) throws InvalidRecordException {
        if (Long.compareUnsigned(count, in.length - position) > 0) {
            throw new InvalidRecordException("truncated DAG-CBOR: " + Long.toUnsignedString(count)
                    + " byte(s) needed at offset " + position + " but " + (in.length - position) + " left");
        }
    }

    private static String kind(int major) {
        return switch (major) {
            case UNSIGNED -> "unsigned integer";
            case NEGATIVE -> "negative integer";
            case BYTES -> "byte string";
            case TEXT -> "text string";
            case ARRAY -> "list";
            case MAP -> "map";
            case TAG -> "CID";
            default -> "simple value or float";
        };
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
