package io.peerflux.multiaddr;

import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multibase;
import io.peerflux.multiformats.Multihash;

/**
 * A peer id: the bytes are its multihash, the text is that multihash in bare base58btc. Parsing
 * also takes the CIDv1 form with the {@code libp2p-key} codec, as the peer-ids spec ("String
 * representation") allows.
 *
 * <p>Per the peer-ids spec, a peer id is an identity or a SHA2-256 (32-byte) multihash; nothing else
 * is accepted. This also keeps text and bytes in one-to-one correspondence: their base58btc always
 * starts with {@code '1'} or {@code 'Q'}, which tells it apart from a multibase CID.
 */
final class PeerIdCodec implements ValueCodec {

    @Override
    public byte[] parse(String text) {
        Multihash multihash;
        if (text.startsWith("1") || text.startsWith("Q")) {
            multihash = Multihash.parse(Multibase.BASE58BTC.decodeBare(text));
        } else {
            Cid cid = Cid.parse(text);
            if (cid.version() != 1 || cid.codec() != Cid.LIBP2P_KEY) {
                throw new IllegalArgumentException("a peer id CID must be a CIDv1 with the libp2p-key codec, got codec 0x" + Long.toHexString(cid.codec()));
            }
            multihash = cid.multihash();
        }
        check(multihash);
        return multihash.bytes();
    }

    @Override
    public String format(byte[] value) {
        check(Multihash.parse(value));
        return Multibase.BASE58BTC.encodeBare(value);
    }

    private static void check(Multihash multihash) {
        boolean sha256 = multihash.code() == Multihash.SHA2_256 && multihash.encodedLength() == 34;
        if (multihash.code() != Multihash.IDENTITY && !sha256) {
            throw new IllegalArgumentException("a peer id is an identity or 32-byte SHA2-256 multihash, got " + multihash);
        }
    }
}
