/**
 * QUIC v1 transport, {@code /ip4|ip6/…/udp/…/quic-v1}: libp2p/specs {@code quic/README.md} ("Multiaddress",
 * "QUIC Versions", "ALPN", "Peer Authentication") over RFC 9000, authenticated as in libp2p/specs {@code tls/tls.md}
 * ("Handshake Protocol", "Peer Authentication", "libp2p Public Key Extension", "ALPN"). Each bidirectional QUIC
 * stream is one libp2p stream; QUIC's flow control is the streams' backpressure. A client Initial that brings an
 * address validation token we did not mint gets a Retry (RFC 9000 sections 8.1 and 17.2.5, integrity tag RFC 9001
 * section 5.8); other Initials do not, so libp2p dials pay no extra round trip.
 *
 * <p>{@link io.peerflux.transport.quic.Quic} and {@link io.peerflux.transport.quic.QuicConfig} are the public face;
 * the socket ({@code QuicEndpoint}, {@code PacketRouter}), connection ({@code QuicSession}), stream
 * ({@code QuicMuxedStream}), TLS ({@code QuicTls}, over {@link io.peerflux.security.tls.Libp2pCertificate})
 * and Retry ({@code ForeignTokenRetry}, {@code RetryTokens}, {@code RetryPacket}) pieces are internal.
 */
package io.peerflux.transport.quic;
