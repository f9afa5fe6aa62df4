/**
 * Validation and selection of Kademlia DHT records by key namespace: {@code /pk/} public keys and
 * {@code /ipns/} IPNS records, plus a pass-through for private namespaces.
 *
 * <p>Specs:
 * <ul>
 *   <li>libp2p/specs {@code kad-dht/README.md}: "Entry validation" (the {@code Validator} with
 *       {@code Validate} and a stable {@code Select}) and "Value retrieval" (entry correction);</li>
 *   <li>ipfs/specs {@code src/ipns/ipns-record.md} (specs.ipfs.tech/ipns/ipns-record): "IPNS Record",
 *       "Record Serialization Format", "Record Size Limit", "Record Creation", "Record Verification",
 *       the test vectors, and "Routing Record" for the {@code /ipns/} key;</li>
 *   <li>ipld/specs DAG-CBOR, for the canonical encoding of an IPNS record's {@code data}.</li>
 * </ul>
 *
 * <p>Everything here is sans-I/O and reads no clock: the current time is a parameter.
 * {@link io.peerflux.kad.record.Validators} is the entry point for a DHT.
 */
package io.peerflux.kad.record;
