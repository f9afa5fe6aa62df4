package io.peerflux.pubsub;

import java.util.List;

/**
 * One pubsub RPC (pubsub spec, "The RPC", with gossipsub's {@code ControlMessage}). The control lists are flattened:
 * every IWANT and IDONTWANT of the wire message is one list of ids here, since which entry an id came in does not
 * matter. Floodsub RPCs have the control lists empty.
 *
 * @param subscriptions topic subscriptions and unsubscriptions, in order
 * @param messages published or forwarded messages
 * @param ihave gossip: ids of messages the sender has, per topic
 * @param iwant ids of messages the sender asks for
 * @param graft topics whose mesh the sender added us to
 * @param prune topics whose mesh the sender removed us from
 * @param idontwant ids of messages the sender already has (gossipsub v1.2)
 */
public record Rpc(List<Subscription> subscriptions, List<Message> messages, List<IHave> ihave, List<MessageId> iwant,
                  List<String> graft, List<Prune> prune, List<MessageId> idontwant) {

    /** Subscribe to ({@code subscribe}) or leave a topic. */
    public record Subscription(boolean subscribe, String topic) {}

    public record IHave(String topic, List<MessageId> ids) {
        public IHave {
            ids = List.copyOf(ids);
        }
    }

    /**
     * @param peers peer exchange: peers the pruned peer may connect to (gossipsub v1.1)
     * @param backoffSeconds how long the pruned peer must wait before grafting again; {@code -1} when absent
     */
    public record Prune(String topic, List<PeerExchange> peers, long backoffSeconds) {
        public Prune {
            peers = List.copyOf(peers);
        }
    }

    /**
     * A peer offered in a PRUNE (gossipsub v1.1 "PRUNE Backoff and Peer Exchange"). Both fields are carried as they
     * came: checking the id and the signed peer record is the binding's work, when it decides to connect.
     *
     * @param peerId the peer id's bytes
     * @param signedPeerRecord the signed peer record envelope, or {@code null}
     */
    public record PeerExchange(byte[] peerId, byte[] signedPeerRecord) {}

    public static final Rpc EMPTY = new Rpc(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    public Rpc {
        subscriptions = List.copyOf(subscriptions);
        messages = List.copyOf(messages);
        ihave = List.copyOf(ihave);
        iwant = List.copyOf(iwant);
        graft = List.copyOf(graft);
        prune = List.copyOf(prune);
        idontwant = List.copyOf(idontwant);
    }

    /** An RPC carrying only {@code messages}. */
    public static Rpc ofMessages(List<Message> messages) {
        return new Rpc(List.of(), messages, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public boolean hasControl() {
        return !ihave.isEmpty() || !iwant.isEmpty() || !graft.isEmpty() || !prune.isEmpty() || !idontwant.isEmpty();
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty() && messages.isEmpty() && !hasControl();
    }
}
