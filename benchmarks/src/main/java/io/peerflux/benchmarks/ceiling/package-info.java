/**
 * Ceiling programs: the simplest pipes on loopback that Peerflux's transports are held against (issue 4). Each is a
 * plain {@code main} that takes {@code --bytes N [--repeat R]} and prints one JSON line per run,
 * {@code {"name":…,"bytes":N,"seconds":s,"gbps":g}} (gbps = gigabits per second), on stdout:
 * <ul>
 *   <li>{@link io.peerflux.benchmarks.ceiling.TcpPipe}: one TCP connection, length-prefixed 64 KiB records;</li>
 *   <li>{@link io.peerflux.benchmarks.ceiling.ChaChaPipe}: the same, each record sealed with ChaCha20-Poly1305 by
 *       the cipher Peerflux's Noise uses, and opened by the receiver;</li>
 *   <li>{@link io.peerflux.benchmarks.ceiling.QuicPipe}: one stream of one bare Netty QUIC connection with
 *       Peerflux's QUIC settings.</li>
 * </ul>
 * Sender and receiver run on separate threads of one JVM. Nothing here is used by Peerflux itself.
 */
package io.peerflux.benchmarks.ceiling;
