/** The contract between stream multiplexers (Yamux, mplex, QUIC) and the host. */
package io.peerflux.mux;
