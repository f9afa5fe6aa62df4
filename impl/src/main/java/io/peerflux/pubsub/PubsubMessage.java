package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;

/**
 * A message delivered to a local subscriber of its topic.
 *
 * <p>Ownership: the message is immutable and shared by every subscriber of the topic; {@link Message#data()} returns a
 * fresh copy each call, so a subscriber may keep or change what it gets without affecting anyone else. No buffer to
 * release.
 *
 * @param id the message id (the config's message-id function)
 * @param message the message as it came on the wire: topic, payload, author and signature when signed
 * @param receivedFrom the peer that forwarded it to us (not necessarily its author)
 */
public record PubsubMessage(MessageId id, Message message, PeerId receivedFrom) {

    public String topic() {
        return message.topic();
    }

    /** The payload, a copy. */
    public byte[] data() {
        return message.data();
    }
}
