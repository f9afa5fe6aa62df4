/** The echo protocol {@code /echo/1.0.0} (js-libp2p {@code @libp2p/echo}): useful for interop and testing. */
package io.peerflux.protocol.echo;
