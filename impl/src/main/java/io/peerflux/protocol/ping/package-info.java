/** The ping protocol, libp2p/specs ping/ping.md. */
package io.peerflux.protocol.ping;
