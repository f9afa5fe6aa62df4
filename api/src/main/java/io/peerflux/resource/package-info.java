/**
 * Resource limits and what is in use: the configuration ({@link io.peerflux.resource.ResourceLimits}) and the
 * read-only view ({@link io.peerflux.resource.ResourceManager}) of a host's resource manager. The manager keeps one
 * scope tree, as go-libp2p's network resource manager does: system → transient (connections and streams not yet
 * authenticated or negotiated) → peer and protocol → connection → stream. Every connection, stream, file
 * descriptor and buffer reservation is counted in its scopes before use and given back when it ends; a reservation
 * that would pass a limit fails with {@link io.peerflux.LimitExceededException} and ends only the connection or
 * stream that asked.
 */
package io.peerflux.resource;
