package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.util.List;

/**
 * What {@link Gossipsub#publish} did.
 *
 * @param id the message id
 * @param peers the peers the message was queued for (their outbound queues may still drop it, see
 *     {@link Gossipsub.Stats})
 */
public record PublishResult(MessageId id, List<PeerId> peers) {

    public PublishResult {
        peers = List.copyOf(peers);
    }
}
