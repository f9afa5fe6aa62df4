/**
 * Signed envelopes and peer records: a payload signed by a peer's key for one purpose only
 * (<a href="https://github.com/libp2p/specs/blob/master/RFC/0002-signed-envelopes.md">RFC 0002, signed
 * envelopes</a>), and the record of a peer's addresses carried in one
 * (<a href="https://github.com/libp2p/specs/blob/master/RFC/0003-routing-records.md">RFC 0003, peer routing
 * records</a>), which identify sends as {@code signedPeerRecord}.
 *
 * <p>Both come from the network, so decoding is bounded ({@link io.peerflux.record.Envelope#MAX_SIZE},
 * {@link io.peerflux.record.PeerRecord#MAX_ADDRESSES}) and every rejection is an
 * {@link io.peerflux.record.InvalidEnvelopeException} whose {@link io.peerflux.record.InvalidEnvelopeException#reason()}
 * says which check failed.
 */
package io.peerflux.record;
