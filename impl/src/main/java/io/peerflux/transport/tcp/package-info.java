/** TCP transport on reactor-netty (libp2p/specs addressing: {@code /ip4|ip6/…/tcp/…}). */
package io.peerflux.transport.tcp;
