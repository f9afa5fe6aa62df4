package io.peerflux.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    static byte[] rpc(int tag, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) tag;
        return b;
    }

    @Test
    void controlGoesFirstThenOurPublishesThenForwardsEachInOrder() {
        OutboundQueue q = new OutboundQueue(1000, 1_000);
        q.offer(OutboundQueue.Lane.FORWARD, rpc(1, 10), 0);
        q.offer(OutboundQueue.Lane.PUBLISH, rpc(2, 10), 0);
        q.offer(OutboundQueue.Lane.FORWARD, rpc(3, 10), 0);
        q.offer(OutboundQueue.Lane.CONTROL, rpc(4, 10), 0);
        q.offer(OutboundQueue.Lane.PUBLISH, rpc(5, 10), 0);
        assertThat(q.bytes()).isEqualTo(50);
        int[] order = new int[5];
        for (int i = 0; i < 5; i++) {
            order[i] = q.poll(0)[0];
        }
        assertThat(order).containsExactly(4, 2, 5, 1, 3);
        assertThat(q.poll(0)).isNull();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void whenFullForwardsMakeRoomOldestFirstAndWhatStillDoesNotFitIsDroppedAndCounted() {
        OutboundQueue q = new OutboundQueue(30, 1_000);
        assertThat(q.offer(OutboundQueue.Lane.FORWARD, rpc(1, 10), 0)).isTrue();
        assertThat(q.offer(OutboundQueue.Lane.FORWARD, rpc(2, 10), 0)).isTrue();
        assertThat(q.offer(OutboundQueue.Lane.PUBLISH, rpc(3, 10), 0)).isTrue();
        // Full: a forward is refused; control pushes out the oldest forward.
        assertThat(q.offer(OutboundQueue.Lane.FORWARD, rpc(4, 10), 0)).isFalse();
        assertThat(q.offer(OutboundQueue.Lane.CONTROL, rpc(5, 10), 0)).isTrue();
        assertThat(q.droppedFull).isEqualTo(2);
        assertThat(q.bytes()).isEqualTo(30);
        assertThat(q.offer(OutboundQueue.Lane.CONTROL, rpc(6, 10), 0)).isTrue();
        // Only publishes and control left: nothing to make room with.
        assertThat(q.offer(OutboundQueue.Lane.PUBLISH, rpc(7, 1), 0)).isFalse();
        assertThat(q.droppedFull).isEqualTo(4);
        assertThat(q.bytes()).isEqualTo(30);
        assertThat(q.poll(0)[0]).isEqualTo((byte) 5);
        assertThat(q.poll(0)[0]).isEqualTo((byte) 6);
        assertThat(q.poll(0)[0]).isEqualTo((byte) 3);
        assertThat(q.poll(0)).isNull();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void forwardsPastTheDeadlineAreDroppedAndCountedButOurOwnPublishesAreNot() {
        OutboundQueue q = new OutboundQueue(1000, 100);
        q.offer(OutboundQueue.Lane.FORWARD, rpc(1, 10), 0);
        q.offer(OutboundQueue.Lane.PUBLISH, rpc(2, 10), 0);
        q.offer(OutboundQueue.Lane.FORWARD, rpc(3, 10), 150);
        assertThat(q.poll(1_000)[0]).isEqualTo((byte) 2);
        assertThat(q.poll(200)[0]).isEqualTo((byte) 3);
        assertThat(q.droppedStale).isEqualTo(1);
        assertThat(q.poll(200)).isNull();
        assertThat(q.bytes()).isZero();
    }
}
