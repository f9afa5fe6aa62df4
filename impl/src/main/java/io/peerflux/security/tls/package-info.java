/**
 * libp2p TLS, protocol id {@code /tls/1.0.0}: TLS 1.3 with mutual authentication by self-signed certificates that
 * carry the libp2p host key in the libp2p Public Key Extension, and stream-muxer negotiation in ALPN.
 *
 * <p>Specs:
 * <ul>
 *   <li>libp2p/specs {@code tls/tls.md}: "Handshake Protocol", "Peer Authentication", "libp2p Public Key
 *       Extension", "ALPN", "Test vectors" and "Future Extensibility" (no server name is sent);</li>
 *   <li>libp2p/specs {@code connections/inlined-muxer-negotiation.md}: "Multiplexer Negotiation over TLS";</li>
 *   <li>RFC 8446 (TLS 1.3) and RFC 5280 (X.509 certificates), as implemented by BoringSSL (through Netty's OpenSSL
 *       engine) or by the JDK; RFC 7301 (ALPN), section 3.2 (the server selects, or aborts with
 *       {@code no_application_protocol}), and RFC 8446 section 4.1.2 (the ClientHello, which a BoringSSL server
 *       reads first for the client's ALPN offer).</li>
 * </ul>
 *
 * <p>{@link io.peerflux.security.tls.Tls} is the entry point for TCP and WebSocket connections;
 * {@link io.peerflux.security.tls.Libp2pCertificate} makes and verifies the certificates, for QUIC too. The
 * certificates of js-libp2p have an empty issuer, against RFC 5280 section 4.1.2.4, so the JVM is taught to read
 * them (see {@code EmptyIssuerTolerance}).
 */
package io.peerflux.security.tls;
