package io.peerflux.multiaddr;

import io.peerflux.multiformats.Varint;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One protocol of a {@link Multiaddr} with its value in binary form.
 *
 * <p>Immutable: the value is copied in and out and validated on construction. Equality is by
 * protocol and value content.
 *
 * @param protocol the protocol
 * @param value the binary value: empty for protocols without one, {@code sizeBits / 8} bytes for
 *     fixed-size ones, at most {@link Multiaddr#MAX_VALUE_LENGTH} bytes for variable-length ones
 */
public record Component(Protocol protocol, byte[] value) {

    /**
     * Validates and copies the value.
     *
     * @throws IllegalArgumentException if the value is not valid for the protocol
     */
    public Component {
        Objects.requireNonNull(protocol, "protocol");
        value = value.clone();
        int bits = protocol.sizeBits();
        if (bits == 0 && value.length != 0) {
            throw new IllegalArgumentException("/" + protocol + " takes no value, got " + value.length + " byte(s)");
        }
        if (bits > 0 && value.length * 8 != bits) {
            throw new IllegalArgumentException("/" + protocol + " value must be " + bits / 8 + " bytes, got " + value.length);
        }
        if (bits == Protocol.VARIABLE && value.length > Multiaddr.MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("/" + protocol + " value of " + value.length + " bytes exceeds " + Multiaddr.MAX_VALUE_LENGTH);
        }
        if (bits != 0) {
            protocol.codec().format(value);
        }
    }

    /** Returns a copy of the binary value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /**
     * Returns the value in its canonical text form, for example {@code "127.0.0.1"}, {@code "4001"}
     * or a base58btc peer id; the empty string for protocols without a value.
     */
    public String valueAsString() {
        return protocol.hasValue() ? protocol.codec().format(value) : "";
    }

    /** Returns the number of bytes this component takes in a multiaddr's binary form. */
    int encodedLength() {
        int length = Varint.size(protocol.code()) + value.length;
        return protocol.sizeBits() == Protocol.VARIABLE ? length + Varint.size(value.length) : length;
    }

    /** Writes the binary form: code, then length if the protocol is variable-length, then value. */
    void writeTo(ByteBuffer out) {
        out.put(Varint.encode(protocol.code()));
        if (protocol.sizeBits() == Protocol.VARIABLE) {
            out.put(Varint.encode(value.length));
        }
        out.put(value);
    }

    /** Returns the component's text form, for example {@code "/tcp/4001"} or {@code "/unix/tmp/a.sock"}. */
    @Override
    public String toString() {
        if (!protocol.hasValue()) {
            return "/" + protocol;
        }
        String text = valueAsString();
        return protocol.isPath() ? "/" + protocol + text : "/" + protocol + "/" + text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Component other && protocol == other.protocol && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * protocol.code() + Arrays.hashCode(value);
    }
}
