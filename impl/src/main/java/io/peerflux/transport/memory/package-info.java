/**
 * The in-JVM memory transport, {@code /memory/<u64>}: the {@code memory} protocol (code 0x0309, a 64-bit unsigned
 * value) of <a href="https://github.com/multiformats/multiaddr/blob/master/protocols.csv">multiformats/multiaddr
 * protocols.csv</a>. It is not in libp2p/specs: it stands in for TCP in tests, so that hundreds of hosts can share
 * one JVM and a handful of threads. {@link io.peerflux.transport.memory.MemoryTransport} is the public face.
 */
package io.peerflux.transport.memory;
