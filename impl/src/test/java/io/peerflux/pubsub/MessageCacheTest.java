package io.peerflux.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.peer.PeerId;
import org.junit.jupiter.api.Test;

class MessageCacheTest {

    private static MessageId id(int n) {
        return MessageId.of(new byte[] {(byte) n});
    }

    private static Message message(String topic, int size) {
        return new Message(topic, new byte[size], null, null, null, null);
    }

    @Test
    void gossipsTheNewestWindowsAndKeepsTheHistory() {
        MessageCache cache = new MessageCache(5, 3, 100, 1 << 20);
        for (int i = 0; i < 6; i++) {
            cache.put(id(i), message(i % 2 == 0 ? "a" : "b", 1));
            cache.shift();
        }
        cache.put(id(6), message("a", 1));
        // Windows, newest first: {6}, {5}, {4}, {3}, {2}; 0 and 1 shifted out.
        assertThat(cache.gossipIds("a")).containsExactly(id(6), id(4));
        assertThat(cache.gossipIds("b")).containsExactly(id(5));
        assertThat(cache.getForPeer(id(2), PubsubFixtures.peer(1), 1)).isNotNull();
        assertThat(cache.getForPeer(id(1), PubsubFixtures.peer(1), 1)).isNull();
        assertThat(cache.size()).isEqualTo(5);
    }

    @Test
    void servesEachPeerAtMostTheRetransmissionLimit() {
        MessageCache cache = new MessageCache(5, 3, 100, 1 << 20);
        cache.put(id(1), message("a", 1));
        PeerId peer = PubsubFixtures.peer(1);
        assertThat(cache.getForPeer(id(1), peer, 2)).isNotNull();
        assertThat(cache.getForPeer(id(1), peer, 2)).isNotNull();
        assertThat(cache.getForPeer(id(1), peer, 2)).isNull();
        assertThat(cache.getForPeer(id(1), PubsubFixtures.peer(2), 2)).isNotNull();
    }

    @Test
    void refusesMessagesOverItsCountOrBytesUntilShiftedOut() {
        MessageCache cache = new MessageCache(2, 1, 2, 100);
        assertThat(cache.put(id(1), message("a", 10))).isTrue();
        assertThat(cache.put(id(1), message("a", 10))).as("already cached").isFalse();
        assertThat(cache.put(id(2), message("a", 95))).as("over the bytes").isFalse();
        assertThat(cache.put(id(3), message("a", 10))).isTrue();
        assertThat(cache.put(id(4), message("a", 10))).as("over the count").isFalse();
        cache.shift();
        cache.shift();
        assertThat(cache.size()).isZero();
        assertThat(cache.put(id(2), message("a", 95))).isTrue();
    }
}
