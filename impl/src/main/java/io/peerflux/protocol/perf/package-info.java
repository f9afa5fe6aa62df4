/**
 * The perf protocol {@code /perf/1.0.0}, libp2p/specs
 * <a href="https://github.com/libp2p/specs/blob/master/perf/perf.md">perf/perf.md</a> ("Protocol"): the client
 * sends the download size as a big-endian uint64, uploads, half-closes; the server drains until that end of stream,
 * then sends the requested bytes and closes. Throughput is measured by the client ("Single connection throughput").
 *
 * <p>{@link io.peerflux.protocol.perf.Perf}, {@link io.peerflux.protocol.perf.PerfConfig} and
 * {@link io.peerflux.protocol.perf.PerfResult} are the public face; {@code PerfServer}, {@code PerfClient},
 * {@code Payload} and {@code Watchdog} are internal. Per the spec's "Security Considerations" the server is never
 * registered by default.
 */
package io.peerflux.protocol.perf;
