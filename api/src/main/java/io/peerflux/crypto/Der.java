package io.peerflux.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * ASN.1 DER (ITU-T X.690 section 10) as the key encodings use it: strict on the way in, so that a
 * key or signature has one accepted byte form, as the peer-ids spec's deterministic encoding asks.
 */
final class Der {

    private Der() {}

    /**
     * Parses one ASN.1 value that must be in distinguished encoding and fill {@code der} exactly.
     *
     * @throws IllegalArgumentException if {@code der} is not valid ASN.1, has trailing bytes, or uses
     *     any encoding freedom DER forbids (long-form short lengths, padded integers, ...)
     */
    static ASN1Primitive parse(byte[] der) {
        ASN1Primitive value;
        try {
            value = ASN1Primitive.fromByteArray(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not valid ASN.1: " + e.getMessage(), e);
        }
        if (value == null || !Arrays.equals(encode(value), der)) {
            throw new IllegalArgumentException("not in ASN.1 DER encoding");
        }
        return value;
    }

    /** Returns the DER encoding of {@code value}. */
    static byte[] encode(ASN1Encodable value) {
        try {
            return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding to a byte array cannot fail", e);
        }
    }
}
