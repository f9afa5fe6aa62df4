package io.peerflux.multiformats;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A content identifier (<a href="https://github.com/multiformats/cid">multiformats/cid</a>): a
 * multihash plus, from version 1 on, the multicodec of the content it addresses.
 *
 * <p>CIDv0 is a bare SHA2-256 multihash with the implied codec {@link #DAG_PB}, written in bare
 * base58btc ({@code "Qm…"}). CIDv1 is {@code <varint 1><varint codec><multihash>}, written in any
 * multibase and by default in base32 ({@code "b…"}). Parsing follows the spec's decoding algorithm.
 *
 * @param version 0 or 1
 * @param codec the multicodec of the content, for example {@link #RAW}
 * @param multihash the hash of the content
 */
public record Cid(int version, long codec, Multihash multihash) {

    /** MerkleDAG protobuf; the only codec a CIDv0 can have. */
    public static final long DAG_PB = 0x70;
    /** Raw bytes. */
    public static final long RAW = 0x55;
    /** A libp2p public key; peer ids written as CIDs use it. */
    public static final long LIBP2P_KEY = 0x72;

    private static final int V0_LENGTH = 34;
    private static final int V0_TEXT_LENGTH = 46;

    /**
     * Validates the combination.
     *
     * @throws IllegalArgumentException for an unknown version, a negative codec, or a CIDv0 that is
     *     not DAG_PB over a 32-byte SHA2-256 digest
     */
    public Cid {
        Objects.requireNonNull(multihash, "multihash");
        if (version != 0 && version != 1) {
            throw new IllegalArgumentException("unsupported CID version " + version);
        }
        if (codec < 0) {
            throw new IllegalArgumentException("CID codec must be non-negative, got " + codec);
        }
        if (version == 0 && (codec != DAG_PB || multihash.code() != Multihash.SHA2_256 || multihash.encodedLength() != V0_LENGTH)) {
            throw new IllegalArgumentException("a CIDv0 is DAG_PB over a 32-byte SHA2-256 multihash, got codec 0x"
                    + Long.toHexString(codec) + " and " + multihash);
        }
    }

    /** Returns the CIDv0 of a 32-byte SHA2-256 multihash. */
    public static Cid v0(Multihash multihash) {
        return new Cid(0, DAG_PB, multihash);
    }

    /** Returns the CIDv1 with the given content codec. */
    public static Cid v1(long codec, Multihash multihash) {
        return new Cid(1, codec, multihash);
    }

    /** Returns the binary form: the bare multihash for v0, version, codec and multihash for v1. */
    public byte[] bytes() {
        byte[] hash = multihash.bytes();
        if (version == 0) {
            return hash;
        }
        ByteBuffer out = ByteBuffer.allocate(Varint.size(version) + Varint.size(codec) + hash.length);
        out.put(Varint.encode(version)).put(Varint.encode(codec)).put(hash);
        return out.array();
    }

    /**
     * Parses a binary CID that fills {@code bytes} exactly.
     *
     * @throws IllegalArgumentException if it is malformed, of an unsupported version, or followed by
     *     other bytes
     */
    public static Cid parse(byte[] bytes) {
        if (bytes.length == V0_LENGTH && bytes[0] == Multihash.SHA2_256 && bytes[1] == 32) {
            return v0(Multihash.parse(bytes));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long version = Varint.read(in);
        if (version != 1) {
            throw new IllegalArgumentException("unsupported CID version " + version + " in binary CID");
        }
        long codec = Varint.read(in);
        Multihash multihash = Multihash.read(in);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("CID followed by " + in.remaining() + " trailing byte(s) at offset " + in.position());
        }
        return v1(codec, multihash);
    }

    /**
     * Parses the text form: a 46-character {@code "Qm…"} string is a bare base58btc CIDv0; anything
     * else must be a multibase-encoded CIDv1.
     *
     * @throws IllegalArgumentException if the text or the bytes it encodes are not a valid CID
     */
    public static Cid parse(String text) {
        if (text.length() == V0_TEXT_LENGTH && text.startsWith("Qm")) {
            return parse(Multibase.BASE58BTC.decodeBare(text));
        }
        byte[] bytes = Multibase.decode(text);
        if (bytes.length > 0 && bytes[0] == Multihash.SHA2_256) {
            throw new IllegalArgumentException("a multibase CID may not be a CIDv0 (decoded bytes start with 0x12)");
        }
        return parse(bytes);
    }

    /** Returns the canonical text: bare base58btc for v0, base32 multibase for v1. */
    @Override
    public String toString() {
        return version == 0 ? Multibase.BASE58BTC.encodeBare(bytes()) : toString(Multibase.BASE32);
    }

    /**
     * Returns the text form in {@code base}.
     *
     * @throws IllegalArgumentException for a CIDv0 and any base but base58btc, which is its only form
     */
    public String toString(Multibase base) {
        if (version == 0) {
            if (base != Multibase.BASE58BTC) {
                throw new IllegalArgumentException("a CIDv0 is only written in bare base58btc, not " + base);
            }
            return toString();
        }
        return base.encode(bytes());
    }
}
