/**
 * The WebSocket transport, {@code /ip4|ip6/…/tcp/…/ws}: libp2p/specs
 * <a href="https://github.com/libp2p/specs/blob/master/websockets/README.md">websockets</a> ("Addressing", and
 * "Stream Multiplexing", "Authentication", "Encryption": the connection is upgraded with multistream-select, a
 * secure channel and a muxer, as on TCP) and
 * <a href="https://github.com/libp2p/specs/blob/master/addressing/README.md#websockets">addressing</a>, over
 * <a href="https://www.rfc-editor.org/rfc/rfc6455">RFC 6455</a> (version 13 only). Binary messages carry the byte
 * stream; the path is {@code /}.
 *
 * <p>{@link io.peerflux.transport.ws.WebSocketTransport} is the public face; the frame codec
 * ({@code WebSocketFrameCodec}), the server's request check ({@code UpgradeRequestFilter}) and the wait for the
 * handshake ({@code WebSocketOpening}) are internal. The HTTP upgrade and the control frames (ping, pong, close)
 * are Netty's {@code WebSocketServerProtocolHandler} and {@code WebSocketClientProtocolHandler}.
 */
package io.peerflux.transport.ws;
