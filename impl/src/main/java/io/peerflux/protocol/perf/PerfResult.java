package io.peerflux.protocol.perf;

/**
 * What one perf exchange measured, on the client.
 *
 * @param uploadBytes   bytes the client sent after the 8-byte header
 * @param uploadNanos   from the moment the negotiated stream was available until the first download byte arrived,
 *                      or, when nothing was requested, until the server closed the stream: the server answers only
 *                      after it has read the whole upload, so this covers the upload's delivery, not just its writing
 * @param downloadBytes bytes the server sent back (exactly the requested count, or the exchange fails)
 * @param downloadNanos from that first download byte until the server closed the stream; 0 when nothing was requested
 */
public record PerfResult(long uploadBytes, long uploadNanos, long downloadBytes, long downloadNanos) {
}
