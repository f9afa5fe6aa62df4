/**
 * Publish/subscribe: floodsub and gossipsub. The wire ({@link io.peerflux.pubsub.PubsubCodec},
 * {@link io.peerflux.pubsub.PubsubFrames}), messages and their signatures ({@link io.peerflux.pubsub.Message},
 * {@link io.peerflux.pubsub.MessageSigning}), and the router state machine
 * ({@link io.peerflux.pubsub.GossipsubRouter}, configured by {@link io.peerflux.pubsub.GossipsubConfig}), which does
 * no I/O and reads no clock, so that the host binding and the simulator run the same code.
 *
 * <p>Specs, libp2p/specs: {@code pubsub/README.md} (RPC, message, signing, message ids);
 * {@code pubsub/gossipsub/gossipsub-v1.0.md}, {@code gossipsub-v1.1.md}, {@code gossipsub-v1.2.md}.
 */
package io.peerflux.pubsub;
