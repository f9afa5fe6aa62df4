/**
 * libp2p plaintext, protocol id {@code /plaintext/2.0.0}: each side sends its peer id and public key, checks the
 * other's, and the connection then carries unencrypted, unauthenticated bytes. For tests and interop suites only.
 *
 * <p>Spec: libp2p/specs {@code plaintext/README.md}: "Messages", "Message Framing" and "Exchange".
 *
 * <p>{@link io.peerflux.security.plaintext.Plaintext} is the only entry point; everything else is package-private.
 */
package io.peerflux.security.plaintext;
