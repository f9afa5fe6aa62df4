package io.peerflux.pubsub;

import java.util.ArrayDeque;

/**
 * One peer's encoded RPCs waiting for its stream, bounded in bytes, in three lanes sent in priority order: control
 * first (it is small and keeps the mesh right), then our own publishes, then forwards, which are dropped first when
 * the queue is full and when they waited past the forward deadline (gossip repairs such losses). Confined to the
 * router's thread.
 */
final class OutboundQueue {

    enum Lane { CONTROL, PUBLISH, FORWARD }

    private record Entry(byte[] rpc, long queuedAt) {}

    private final long maxBytes;
    private final long forwardDeadlineNanos;
    private final ArrayDeque<Entry> control = new ArrayDeque<>();
    private final ArrayDeque<Entry> publish = new ArrayDeque<>();
    private final ArrayDeque<Entry> forward = new ArrayDeque<>();
    private long bytes;
    /** RPCs dropped because the queue was full: a peer that does not read, or reads slower than we send. */
    long droppedFull;
    /** Forwards dropped for waiting past the deadline. */
    long droppedStale;

    OutboundQueue(long maxBytes, long forwardDeadlineNanos) {
        this.maxBytes = maxBytes;
        this.forwardDeadlineNanos = forwardDeadlineNanos;
    }

    /** Queues {@code rpc}, making room by dropping the oldest forwards; false when it was dropped itself. */
    boolean offer(Lane lane, byte[] rpc, long now) {
        while (bytes + rpc.length > maxBytes && lane != Lane.FORWARD && !forward.isEmpty()) {
            bytes -= forward.poll().rpc.length;
            droppedFull++;
        }
        if (bytes + rpc.length > maxBytes) {
            droppedFull++;
            return false;
        }
        bytes += rpc.length;
        (lane == Lane.CONTROL ? control : lane == Lane.PUBLISH ? publish : forward).add(new Entry(rpc, now));
        return true;
    }

    /** The next RPC to write, or null when none is waiting. */
    byte[] poll(long now) {
        Entry e = control.poll();
        if (e == null) {
            e = publish.poll();
        }
        while (e == null && !forward.isEmpty()) {
            Entry f = forward.poll();
            if (now - f.queuedAt > forwardDeadlineNanos) {
                bytes -= f.rpc.length;
                droppedStale++;
            } else {
                e = f;
            }
        }
        if (e == null) {
            return null;
        }
        bytes -= e.rpc.length;
        return e.rpc;
    }

    long bytes() {
        return bytes;
    }
}
