/**
 * Yamux, {@code /yamux/1.0.0}: the stream multiplexer of
 * <a href="https://github.com/hashicorp/yamux/blob/master/spec.md">hashicorp/yamux spec.md</a> ("Framing",
 * "Message Flow", "Flow Control", "Session termination"), with the libp2p notes of
 * <a href="https://github.com/libp2p/specs/blob/master/yamux/README.md">libp2p/specs yamux</a> ("ACK backlog").
 *
 * <p>{@link io.peerflux.mux.yamux.Yamux} and {@link io.peerflux.mux.yamux.YamuxConfig} are the public face;
 * the wire codec ({@code YamuxFrame}, {@code YamuxFrameDecoder}, {@code YamuxFrameEncoder}), the state machine
 * ({@code YamuxSession}, {@code YamuxStream}) and its Netty host ({@code YamuxHandler}) are internal.
 */
package io.peerflux.mux.yamux;
