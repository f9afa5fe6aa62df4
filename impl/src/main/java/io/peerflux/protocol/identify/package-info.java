/** identify and identify push, libp2p/specs identify/README.md. */
package io.peerflux.protocol.identify;
