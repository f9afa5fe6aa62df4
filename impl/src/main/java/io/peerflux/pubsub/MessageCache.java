package io.peerflux.pubsub;

import io.peerflux.peer.PeerId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The message cache, {@code mcache} (gossipsub v1.0, "Message Cache"): recent messages in history windows, one per
 * heartbeat. {@link #gossipIds} lists the ids of the newest {@code gossipWindows} windows for IHAVE, {@link #getForPeer}
 * serves IWANT, and {@link #shift} drops the oldest of {@code historyWindows} windows. Bounded in count and bytes:
 * once full, a new message is not cached (it is still delivered and forwarded, only not gossiped or served).
 * Each cached message counts how often each peer asked for it, for gossipsub v1.1's IWANT retransmission limit.
 */
final class MessageCache {

    private static final class Entry {
        final Message message;
        final int bytes;
        /** Peers that asked for it by IWANT, and how often; bounded by the peers connected. */
        final Map<PeerId, Integer> requests = new HashMap<>();

        Entry(Message message) {
            this.message = message;
            this.bytes = message.dataLength() + message.topic().length();
        }
    }

    private record Slot(MessageId id, String topic) {}

    private final int gossipWindows;
    private final int maxMessages;
    private final long maxBytes;
    private final Map<MessageId, Entry> messages = new HashMap<>();
    /** Newest window first. */
    private final ArrayDeque<List<Slot>> windows = new ArrayDeque<>();
    private long bytes;

    MessageCache(int historyWindows, int gossipWindows, int maxMessages, long maxBytes) {
        if (gossipWindows > historyWindows) {
            throw new IllegalArgumentException("gossip windows " + gossipWindows + " > history " + historyWindows);
        }
        this.gossipWindows = gossipWindows;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        for (int i = 0; i < historyWindows; i++) {
            windows.add(new ArrayList<>());
        }
    }

    /** Adds {@code message} to the newest window; false when it is cached already or the cache is full. */
    boolean put(MessageId id, Message message) {
        if (messages.containsKey(id) || messages.size() >= maxMessages) {
            return false;
        }
        Entry entry = new Entry(message);
        if (bytes + entry.bytes > maxBytes) {
            return false;
        }
        messages.put(id, entry);
        bytes += entry.bytes;
        windows.peekFirst().add(new Slot(id, message.topic()));
        return true;
    }

    /**
     * The message for {@code peer}'s IWANT, counting the request; null when not cached or when {@code peer} asked
     * for it more than {@code maxRequests} times already.
     */
    Message getForPeer(MessageId id, PeerId peer, int maxRequests) {
        Entry entry = messages.get(id);
        if (entry == null) {
            return null;
        }
        int count = entry.requests.merge(peer, 1, Integer::sum);
        return count > maxRequests ? null : entry.message;
    }

    /** Ids of {@code topic}'s messages in the newest {@code gossipWindows} windows, newest first. */
    List<MessageId> gossipIds(String topic) {
        List<MessageId> out = new ArrayList<>();
        int i = 0;
        for (List<Slot> window : windows) {
            if (i++ == gossipWindows) {
                break;
            }
            for (Slot slot : window) {
                if (slot.topic.equals(topic)) {
                    out.add(slot.id);
                }
            }
        }
        return out;
    }

    /** Starts a new window and drops the oldest with its messages. */
    void shift() {
        for (Slot slot : windows.removeLast()) {
            bytes -= messages.remove(slot.id).bytes;
        }
        windows.addFirst(new ArrayList<>());
    }

    int size() {
        return messages.size();
    }
}
