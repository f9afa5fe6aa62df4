package io.peerflux.multiaddr;

import io.peerflux.multiformats.Multibase;
import io.peerflux.multiformats.Multihash;

/**
 * A certificate hash (WebTransport, WebRTC): the bytes are a multihash, the text is that multihash
 * in any multibase Peerflux knows, printed as base64url ({@code 'u'}) like go and js do.
 */
final class CerthashCodec implements ValueCodec {

    @Override
    public byte[] parse(String text) {
        return Multihash.parse(Multibase.decode(text)).bytes();
    }

    @Override
    public String format(byte[] value) {
        Multihash.parse(value);
        return Multibase.BASE64URL.encode(value);
    }
}
