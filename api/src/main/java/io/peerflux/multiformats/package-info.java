/**
 * Self-describing values from the multiformats project: the pieces that peer ids, addresses and
 * content ids are built from.
 *
 * <ul>
 *   <li>{@link io.peerflux.multiformats.Varint}: <a href="https://github.com/multiformats/unsigned-varint">
 *       multiformats/unsigned-varint</a> (MSB-first continuation, at most 9 bytes, minimal encoding).</li>
 *   <li>{@link io.peerflux.multiformats.Multibase}: <a href="https://github.com/multiformats/multibase">
 *       multiformats/multibase</a>, the base58btc, base32, base64 and base16 rows of its table;
 *       the RFC 4648 bases are unpadded and decoded strictly (canonical trailing bits).</li>
 *   <li>{@link io.peerflux.multiformats.Multihash}: <a href="https://github.com/multiformats/multihash">
 *       multiformats/multihash</a> ({@code <varint code><varint length><digest>}).</li>
 *   <li>{@link io.peerflux.multiformats.Cid}: <a href="https://github.com/multiformats/cid">
 *       multiformats/cid</a>, versions 0 and 1, including the "Decoding Algorithm" section.</li>
 * </ul>
 *
 * <p>All decoders reject malformed input with an {@link java.lang.IllegalArgumentException} whose
 * message says what is wrong and where; nothing else escapes them.
 */
package io.peerflux.multiformats;
