/**
 * Multiaddr: self-describing, composable network addresses, per
 * <a href="https://github.com/multiformats/multiaddr">multiformats/multiaddr</a> (README
 * "Specification": {@code (/<name>/<value>)+} text and {@code (<varint code><value>)+} binary, values
 * of variable length prefixed with a varint) and its {@code protocols.csv}, with codes from the
 * <a href="https://github.com/multiformats/multicodec">multicodec table</a>.
 *
 * <p>Peer ids in {@code /p2p} follow the libp2p
 * <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md">peer-ids spec</a>
 * (identity or SHA2-256 multihash; base58btc or CIDv1 {@code libp2p-key} text). IPv6 text is the
 * RFC 5952 canonical form. Nothing here resolves names or touches the network.
 */
package io.peerflux.multiaddr;
