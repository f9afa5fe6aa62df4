/** The contract between secure channels (Noise, TLS) and the host's connection upgrade. */
package io.peerflux.security;
