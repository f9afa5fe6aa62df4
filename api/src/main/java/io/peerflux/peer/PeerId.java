package io.peerflux.peer;

import io.peerflux.crypto.PublicKey;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multibase;
import io.peerflux.multiformats.Multihash;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of a peer: a multihash of its marshalled public key, as the peer-ids spec's
 * "Peer Ids" section defines it. Keys that marshal to at most {@value #MAX_INLINE_KEY_LENGTH} bytes
 * (Ed25519, secp256k1) are inlined with the identity multihash, so the key can be read back from the
 * id; larger keys (RSA, ECDSA) are hashed with SHA2-256.
 *
 * <p>Instances are immutable and thread-safe. Equality, hash code and ordering are those of the
 * multihash bytes, ordered as unsigned bytes.
 */
public final class PeerId implements Comparable<PeerId> {

    /** Marshalled keys up to this length are inlined in the id; longer ones are hashed. */
    static final int MAX_INLINE_KEY_LENGTH = 42;

    /**
     * The longest text {@link #parse(String)} reads. The longest valid id, an inlined 42-byte key as
     * a base16 CIDv1, takes 93 characters.
     */
    static final int MAX_TEXT_LENGTH = 128;

    private static final int SHA2_256_LENGTH = 32;

    private final byte[] bytes;
    private final PublicKey inlinedKey;
    private final int hashCode;
    private String base58;

    private PeerId(Multihash multihash, PublicKey inlinedKey) {
        this.bytes = multihash.bytes();
        this.inlinedKey = inlinedKey;
        this.hashCode = Arrays.hashCode(bytes);
    }

    /**
     * Returns the id of the peer that holds {@code key}'s private key.
     *
     * @param key the peer's public key
     * @return the identity multihash of the marshalled key if it has at most
     *     {@value #MAX_INLINE_KEY_LENGTH} bytes, else its SHA2-256 multihash
     */
    public static PeerId fromPublicKey(PublicKey key) {
        byte[] marshalled = key.marshal();
        return marshalled.length <= MAX_INLINE_KEY_LENGTH
                ? new PeerId(Multihash.identity(marshalled), key)
                : new PeerId(Multihash.sha256(marshalled), null);
    }

    /**
     * Reads a peer id from its binary form, as it appears in protocol messages.
     *
     * @param multihash the id's multihash bytes; not retained
     * @return the peer id
     * @throws IllegalArgumentException if the bytes are not exactly one multihash; if it is neither an
     *     identity multihash of a valid marshalled public key of at most
     *     {@value #MAX_INLINE_KEY_LENGTH} bytes nor a 32-byte SHA2-256 multihash
     */
    public static PeerId fromBytes(byte[] multihash) {
        return of(Multihash.parse(multihash));
    }

    /**
     * Reads a peer id from text in either form the spec's "String representation" section allows: a
     * bare base58btc multihash (starting with {@code 1} or {@code Qm}, such as {@code 12D3KooW…},
     * {@code 16Uiu2…}, {@code Qm…}), or a CIDv1 with the {@code libp2p-key} codec in any multibase
     * (such as {@code bafz…}).
     *
     * @param text the peer id text
     * @return the peer id
     * @throws IllegalArgumentException if the text is neither, if it is a CID of another codec (the
     *     message says so), or if the multihash it holds is not a valid peer id
     */
    public static PeerId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("peer id text of " + text.length() + " characters exceeds " + MAX_TEXT_LENGTH);
        }
        if (text.startsWith("1") || text.startsWith("Qm")) {
            return fromBytes(Multibase.BASE58BTC.decodeBare(text));
        }
        Cid cid = Cid.parse(text);
        if (cid.codec() != Cid.LIBP2P_KEY) {
            throw new IllegalArgumentException("CID has codec 0x" + Long.toHexString(cid.codec())
                    + ", not libp2p-key (0x72), so it does not name a peer");
        }
        return of(cid.multihash());
    }

    private static PeerId of(Multihash multihash) {
        byte[] digest = multihash.digest();
        switch (multihash.code()) {
            case Multihash.IDENTITY -> {
                if (digest.length > MAX_INLINE_KEY_LENGTH) {
                    throw new IllegalArgumentException("identity peer id inlines " + digest.length
                            + " bytes; keys over " + MAX_INLINE_KEY_LENGTH + " bytes must be hashed");
                }
                return new PeerId(multihash, PublicKey.unmarshal(digest));
            }
            case Multihash.SHA2_256 -> {
                if (digest.length != SHA2_256_LENGTH) {
                    throw new IllegalArgumentException("sha2-256 peer id has a digest of " + digest.length + " bytes, not 32");
                }
                return new PeerId(multihash, null);
            }
            default -> throw new IllegalArgumentException("peer ids are identity or sha2-256 multihashes, not code 0x"
                    + Integer.toHexString(multihash.code()));
        }
    }

    /**
     * Returns the binary form: the multihash bytes.
     *
     * @return a new array
     */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Returns the public key inlined in this id, which every id of an Ed25519 or secp256k1 key has.
     *
     * @return the key, or empty for a hashed id
     */
    public Optional<PublicKey> publicKey() {
        return Optional.ofNullable(inlinedKey);
    }

    /**
     * Tells whether this is the id of {@code key}.
     *
     * @param key a public key
     * @return whether {@code PeerId.fromPublicKey(key)} equals this id
     */
    public boolean matches(PublicKey key) {
        return equals(fromPublicKey(key));
    }

    /**
     * Returns the legacy text form, the bare base58btc multihash, which the spec says to display
     * until CIDs are widely supported.
     *
     * @return for example {@code 12D3KooW…} or {@code Qm…}
     */
    public String toBase58() {
        String text = base58;
        if (text == null) {
            text = Multibase.BASE58BTC.encodeBare(bytes);
            base58 = text; // racy but idempotent, like String.hashCode
        }
        return text;
    }

    /**
     * Returns the CID text form: CIDv1, {@code libp2p-key} codec, base32.
     *
     * @return for example {@code bafz…}
     */
    public String toCid() {
        return Cid.v1(Cid.LIBP2P_KEY, Multihash.parse(bytes)).toString();
    }

    /** Returns {@link #toBase58()}. */
    @Override
    public String toString() {
        return toBase58();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    /** Orders ids by their multihash bytes, compared as unsigned bytes. */
    @Override
    public int compareTo(PeerId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }
}
