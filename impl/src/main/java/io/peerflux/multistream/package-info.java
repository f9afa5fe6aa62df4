/**
 * multistream-select 1.0 ({@code /multistream/1.0.0}): agrees on the protocol spoken next on a raw connection or a
 * muxed stream.
 *
 * <p>Implements libp2p/specs {@code connections/README.md}, section "Protocol Negotiation" / "multistream-select",
 * and the message format and {@code ls} listing of multiformats/multistream-select {@code README.md}.
 * {@link io.peerflux.multistream.Multistream} is the public entry point; the wire format lives in
 * {@code MultistreamCodec}, the protocol in the I/O-free {@code MultistreamNegotiator}, and the two adapters
 * ({@code ChannelNegotiationHandler}, {@code StreamNegotiation}) drive it on a Netty channel or a muxed stream.
 */
package io.peerflux.multistream;
