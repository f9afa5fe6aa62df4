/**
 * libp2p keys: their four types, their protobuf and key-type encodings, and signing, as the
 * <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#keys">peer-ids spec,
 * section "Keys"</a> defines them.
 *
 * <ul>
 *   <li>Ed25519: RFC 8032.</li>
 *   <li>secp256k1: SEC 1 / SEC 2 encodings as Bitcoin uses them; ECDSA over SHA-256 with RFC 6979
 *       nonces, DER signatures (BIP 62), low-S when signing.</li>
 *   <li>ECDSA: P-256 (P-384 and P-521 accepted), PKIX public keys (RFC 5480), RFC 5915 private
 *       keys, RFC 6979 nonces over SHA-256, DER signatures.</li>
 *   <li>RSA: PKIX public keys, PKCS #1 private keys, RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017),
 *       2048 to 8192 bits.</li>
 * </ul>
 *
 * <p>The cryptography is BouncyCastle's lightweight API. Every decoder takes the spec's
 * deterministic encoding only and rejects anything else with an {@link java.lang.IllegalArgumentException}.
 */
package io.peerflux.crypto;
