/**
 * libp2p Noise, protocol id {@code /noise}: the Noise_XX_25519_ChaChaPoly_SHA256 handshake, its static key
 * authenticated by the libp2p identity key, early stream-muxer negotiation, then length-prefixed transport messages.
 *
 * <p>Specs:
 * <ul>
 *   <li>libp2p/specs {@code noise/README.md}: "Static Key Authentication", "The libp2p Handshake Payload",
 *       "Wire Format" and "Encryption and I/O";</li>
 *   <li>libp2p/specs {@code connections/inlined-muxer-negotiation.md}: "Multiplexer Negotiation over Noise";</li>
 *   <li>The Noise Protocol Framework, revision 34 (https://noiseprotocol.org/noise.html): section 5 (processing
 *       rules), the XX pattern, and the 25519, ChaChaPoly and SHA256 functions.</li>
 * </ul>
 *
 * <p>{@link io.peerflux.security.noise.Noise} is the only entry point; everything else is package-private.
 */
package io.peerflux.security.noise;
