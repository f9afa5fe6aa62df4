package io.peerflux.samples.cli;

import io.peerflux.kad.record.Validators;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multihash;
import io.peerflux.peer.PeerId;
import java.nio.charset.StandardCharsets;

/** How the CLI reads DHT keys typed as text. */
final class DhtKeys {

    private DhtKeys() {
    }

    /**
     * A content key (provide, find-providers): a CID, or any other text standing for the CIDv1 (raw codec) of the
     * SHA2-256 of its UTF-8 bytes, so that {@code provide hello} and {@code find-providers hello} meet.
     */
    static Cid content(String text) {
        try {
            return Cid.parse(text);
        } catch (IllegalArgumentException notACid) {
            return Cid.v1(Cid.RAW, Multihash.sha256(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * A record key (put, get): {@code /namespace/rest}; under {@code /pk/} and {@code /ipns/} the rest is a peer id.
     *
     * @throws IllegalArgumentException if the text is not of that form
     */
    static byte[] record(String text) {
        return Validators.parseKey(text);
    }

    /**
     * The key a closest-peers lookup aims at: a peer id's bytes, a record key for text starting with {@code /}, else
     * the multihash a content key stands for (where its provider records live).
     */
    static byte[] lookup(String text) {
        if (text.startsWith("/")) {
            return record(text);
        }
        try {
            return PeerId.parse(text).bytes();
        } catch (IllegalArgumentException notAPeerId) {
            return content(text).multihash().bytes();
        }
    }
}
