/**
 * {@code peerflux daemon}: a Peerflux host driven by the libp2p daemon control protocol, so that programs in any
 * language (and the libp2p interop suite, {@code @libp2p/interop}) can use it.
 *
 * <p>Specs: libp2p/go-libp2p-daemon {@code specs/CONTROL.md} (framing, IDENTIFY, CONNECT, DISCONNECT, STREAM_OPEN,
 * STREAM_HANDLER, LIST_PEERS), {@code specs/PEERSTORE.md} (GET_PROTOCOLS, GET_PEER_INFO), {@code specs/DHT.md} (with
 * {@code -dht}, {@code -dhtServer} or {@code -dhtClient}) and {@code specs/PUBSUB.md} (answered with an error until
 * pubsub exists); messages as in
 * {@code @libp2p/daemon-protocol} 8.x ({@code src/main/proto/daemon.proto}).
 *
 * <p>{@link io.peerflux.samples.daemon.DaemonCommand} is the only entry point; everything else is package-private.
 */
package io.peerflux.samples.daemon;
