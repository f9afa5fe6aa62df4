package io.peerflux.pubsub;

import io.peerflux.PeerfluxException;

/**
 * Signalled by {@link Gossipsub#publish} when no connected peer subscribes to the topic, so the message would go
 * nowhere; {@link GossipsubServiceConfig#withPublishWithoutPeers(boolean)} turns this off.
 */
public final class NoPubsubPeersException extends PeerfluxException {

    private final String topic;

    public NoPubsubPeersException(String topic) {
        super("no pubsub peer subscribes to topic " + topic, null);
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
