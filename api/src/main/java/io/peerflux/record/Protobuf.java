package io.peerflux.record;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The little of protobuf's wire format that envelopes and peer records use: varint and length-delimited fields.
 * Hand-written because api does not depend on protobuf-java. Reading follows protobuf's rules, so that what go and
 * js encoders write is read as they mean it: fields in any order, the last of a repeated singular field wins,
 * unknown fields (of any wire type but the deprecated groups) are skipped.
 */
final class Protobuf {

    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private Protobuf() {}

    /** Reads the fields of one message, in order; every malformation is an {@link IllegalArgumentException}. */
    static final class Reader {

        private final ByteBuffer in;
        private int wireType;

        Reader(byte[] message) {
            this.in = ByteBuffer.wrap(message);
        }

        boolean hasNext() {
            return in.hasRemaining();
        }

        /** Reads the next field's tag and returns its field number; then read or skip its value. */
        int next() {
            long tag = varint();
            wireType = (int) (tag & 7);
            long field = tag >>> 3;
            if (field == 0 || field > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("invalid field number " + field);
            }
            return (int) field;
        }

        /** Reads a length-delimited value, which must be the current field's. */
        byte[] bytes() {
            expect(LEN);
            byte[] value = new byte[length()];
            in.get(value);
            return value;
        }

        /** Reads a varint value (all 64 bits: uint64 fields are unsigned), which must be the current field's. */
        long uint64() {
            expect(VARINT);
            return varint();
        }

        void skip() {
            switch (wireType) {
                case VARINT -> varint();
                case I64 -> advance(8);
                case LEN -> advance(length());
                case I32 -> advance(4);
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
        }

        private void expect(int type) {
            if (wireType != type) {
                throw new IllegalArgumentException("wire type " + wireType + " where " + type + " belongs");
            }
        }

        private int length() {
            long length = varint();
            if (Long.compareUnsigned(length, in.remaining()) > 0) {
                throw new IllegalArgumentException("field of " + Long.toUnsignedString(length) + " bytes but "
                        + in.remaining() + " left");
            }
            return (int) length;
        }

        private void advance(int n) {
            if (n > in.remaining()) {
                throw new IllegalArgumentException("truncated field");
            }
            in.position(in.position() + n);
        }

        /** A protobuf varint: up to 10 bytes, not necessarily minimal; bits beyond the 64th must be zero. */
        private long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (!in.hasRemaining()) {
                    throw new IllegalArgumentException("truncated varint");
                }
                int b = in.get() & 0xff;
                if (shift == 63 && b > 1) {
                    throw new IllegalArgumentException("varint over 64 bits");
                }
                value |= (long) (b & 0x7f) << shift;
                if (b < 0x80) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint over 64 bits");
        }
    }

    static void writeBytes(ByteArrayOutputStream out, int field, byte[] value) {
        writeVarint(out, (long) field << 3 | LEN);
        writeVarint(out, value.length);
        out.writeBytes(value);
    }

    static void writeUint64(ByteArrayOutputStream out, int field, long value) {
        writeVarint(out, (long) field << 3 | VARINT);
        writeVarint(out, value);
    }

    /** Writes {@code value} as an unsigned varint of all 64 bits. */
    static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }
}
