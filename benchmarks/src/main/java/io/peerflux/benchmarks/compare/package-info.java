/**
 * The one-command comparison of issue 4 ({@code benchmarks/compare.sh}): Peerflux's {@code /perf/1.0.0} throughput
 * (libp2p/specs perf/perf.md) against the ceiling pipes of {@link io.peerflux.benchmarks.ceiling} and against
 * js-libp2p (the pinned {@code interop/peer.mjs}), in one run on one JDK. Not used by Peerflux itself.
 */
package io.peerflux.benchmarks.compare;
