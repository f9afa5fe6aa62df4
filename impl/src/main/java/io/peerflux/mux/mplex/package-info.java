/**
 * mplex, {@code /mplex/6.7.0}: the stream multiplexer of
 * <a href="https://github.com/libp2p/specs/blob/master/mplex/README.md">libp2p/specs mplex</a> ("Message format",
 * "Protocol", "Implementation notes").
 *
 * <p>{@link io.peerflux.mux.mplex.Mplex} and {@link io.peerflux.mux.mplex.MplexConfig} are the public face; the
 * wire codec ({@code MplexFrame}, {@code MplexFrameDecoder}, {@code MplexFrameEncoder}), the state machine
 * ({@code MplexSession}, {@code MplexStream}) and its Netty host ({@code MplexHandler}) are internal.
 *
 * <p>Stream ids: each side counts the streams it opens from 0, as go and js mplex do rather than the spec's odd and
 * even ids; a stream is named by its id and who opened it, which every message's flag tells, so any numbering the
 * remote uses works.
 *
 * <h2>Slow readers</h2>
 * mplex has no flow control: a remote may send any amount on any stream, and the spec ("Implementation notes")
 * leaves the choice between blocking the connection and resetting the stream. Peerflux does both, in that order,
 * counting for each stream the inbound bytes its reader has not yet {@linkplain io.peerflux.mux.MuxedStream#consumed
 * consumed}:
 * <ol>
 *   <li><b>Pause.</b> While a stream that may still receive holds more than half of
 *       {@link io.peerflux.mux.mplex.MplexConfig#maxStreamBuffer()}, or all streams together more than half of
 *       {@link io.peerflux.mux.mplex.MplexConfig#maxConnectionBuffer()}, the connection is not read
 *       ({@code autoRead} off), so TCP pushes back on the sender. This is head-of-line blocking: every stream of the
 *       connection, and every control message, waits for the slow reader. A reader that drains its stream below
 *       the mark within the stall timeout is never reset; it slows the connection down to its own pace. What one
 *       read brings is still delivered after the pause, so an mplex connection reads at most Netty's default
 *       64 KiB at once, where TCP otherwise reads up to 1 MiB.</li>
 *   <li><b>Reset after a stall.</b> If reading stays paused for
 *       {@link io.peerflux.mux.mplex.MplexConfig#readStallTimeout()}, the streams above their mark are reset, then,
 *       while the connection is still above its mark, the streams holding the most bytes; reading resumes. A reader
 *       that stopped thus costs the connection one stall, not its life, which is go-mplex's trade.</li>
 *   <li><b>Hard caps.</b> A message that would take a stream beyond its buffer, or the connection beyond its
 *       buffer, resets that stream at once and drops the message. Once reading pauses, only a transport that
 *       keeps delivering gets there; the caps bound memory exactly whatever the transport does.</li>
 * </ol>
 * A reset for these reasons reaches the reader as a {@link io.peerflux.StreamResetException} caused by a
 * {@link io.peerflux.LimitExceededException}, and the remote as a Reset message. Other streams and the connection
 * carry on.
 */
package io.peerflux.mux.mplex;
