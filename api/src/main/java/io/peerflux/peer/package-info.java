/**
 * Peer ids: multihashes of public keys and their two text forms, as the
 * <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#peer-ids">peer-ids spec,
 * section "Peer Ids"</a> defines them (derivation, "String representation", "Encoding", "Decoding").
 */
package io.peerflux.peer;
