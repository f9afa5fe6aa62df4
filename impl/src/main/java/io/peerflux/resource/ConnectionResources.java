package io.peerflux.resource;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.peerflux.Direction;
import io.peerflux.LimitExceededException;
import io.peerflux.peer.PeerId;

/**
 * What one connection holds in the scope tree: the connection itself (and its file descriptor) in the transient
 * scope until {@link #setPeer}, then in its peer's scope, and in the system scope throughout; and its streams. The
 * host attaches it to the connection's channel ({@link #ATTRIBUTE}) before the muxer starts, and the muxer reserves
 * every stream through it. Thread-safe.
 */
public interface ConnectionResources {

    /** Where the host keeps a connection's resources, for the muxer to find. */
    AttributeKey<ConnectionResources> ATTRIBUTE = AttributeKey.valueOf("peerflux.connection-resources");

    /** Counts nothing and refuses nothing: a host without a resource manager, or a muxer used on its own. */
    ConnectionResources NONE = new ConnectionResources() {
        @Override
        public void setPeer(PeerId peer) {
        }

        @Override
        public StreamResources openStream(Direction direction, long memory) {
            return StreamResources.NONE;
        }

        @Override
        public void close() {
        }
    };

    /** The resources attached to {@code channel}, else {@link #NONE}. */
    static ConnectionResources of(Channel channel) {
        ConnectionResources resources = channel.hasAttr(ATTRIBUTE) ? channel.attr(ATTRIBUTE).get() : null;
        return resources != null ? resources : NONE;
    }

    /**
     * Moves the connection from the transient scope to {@code peer}'s, once the peer is authenticated.
     *
     * @throws LimitExceededException when the peer already has as many connections as allowed; the connection is
     *     then still counted as before and must be closed
     */
    void setPeer(PeerId peer);

    /**
     * Reserves a new stream, counted in its peer's, the transient and the system scope until its protocol is set,
     * and {@code memory} bytes of buffers for it in the connection's, the peer's and the system scope.
     *
     * @throws LimitExceededException when a scope is at its limit; nothing was reserved
     */
    StreamResources openStream(Direction direction, long memory);

    /** Gives back everything the connection and its streams still hold. Idempotent. */
    void close();
}
