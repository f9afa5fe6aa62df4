package io.peerflux;

import io.peerflux.peer.PeerId;
import java.util.Map;

/**
 * What the host's services say each peer is worth: tags with values (a DHT routing-table peer, a pubsub mesh peer, a
 * peer the application cares about) and protections. The peerstore keeps what it knows of tagged and protected
 * peers when it forgets others. When the host has more connections than its high watermark, it closes those of the
 * peers with the lowest value first, and never those of protected peers. Thread-safe.
 */
public interface ConnectionManager {

    /** The most tags one peer can carry; more are refused with {@link IllegalStateException}. */
    int MAX_TAGS_PER_PEER = 32;

    /** Sets {@code tag} on {@code peer} to {@code value}, replacing an earlier value. */
    void tag(PeerId peer, String tag, int value);

    /** Removes {@code tag} from {@code peer}. */
    void untag(PeerId peer, String tag);

    /** The tags of {@code peer} and their values (empty when none). */
    Map<String, Integer> tags(PeerId peer);

    /** The sum of {@code peer}'s tag values. */
    int value(PeerId peer);

    /** Protects {@code peer} under {@code tag} (each service its own tag). */
    void protect(PeerId peer, String tag);

    /** Removes the protection of {@code peer} under {@code tag}; returns whether another tag still protects it. */
    boolean unprotect(PeerId peer, String tag);

    /** Whether {@code peer} is protected under {@code tag}, or under any tag when {@code tag} is {@code null}. */
    boolean isProtected(PeerId peer, String tag);

    /** Whether {@code peer} carries a tag or a protection: worth remembering. */
    default boolean isKept(PeerId peer) {
        return value(peer) != 0 || !tags(peer).isEmpty() || isProtected(peer, null);
    }
}
