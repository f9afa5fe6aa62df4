package io.peerflux.benchmarks.sim;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A discrete-event loop in virtual time: actions run in order of their time, and actions due at the same time in
 * the order they were scheduled, so a run depends on nothing but its inputs. Time is epoch nanoseconds, as the
 * protocol state machines take it; it only moves when the next event runs.
 */
public final class VirtualScheduler {

    /** A scheduled action; {@link #cancel} keeps it from running. */
    public static final class Event {
        private final long at;
        private final long sequence;
        private final Runnable action;
        private boolean cancelled;

        private Event(long at, long sequence, Runnable action) {
            this.at = at;
            this.sequence = sequence;
            this.action = action;
        }

        /** When it runs, epoch nanoseconds. */
        public long at() {
            return at;
        }

        public void cancel() {
            cancelled = true;
        }

        public boolean cancelled() {
            return cancelled;
        }
    }

    private static final Comparator<Event> ORDER =
            Comparator.comparingLong((Event e) -> e.at).thenComparingLong(e -> e.sequence);

    private final PriorityQueue<Event> queue = new PriorityQueue<>(1024, ORDER);
    private long now;
    private long nextSequence;
    private long executed;

    /** @param start the virtual time the loop starts at, epoch nanoseconds */
    public VirtualScheduler(long start) {
        this.now = start;
    }

    public long now() {
        return now;
    }

    /** Runs {@code action} at {@code time}; a time already past runs it now, after what is already due now. */
    public Event at(long time, Runnable action) {
        Event event = new Event(Math.max(time, now), nextSequence++, action);
        queue.add(event);
        return event;
    }

    /** Runs {@code action} {@code delayNanos} from now. */
    public Event after(long delayNanos, Runnable action) {
        return at(now + delayNanos, action);
    }

    /** Runs every event due up to {@code time} (including those they schedule), then sets the clock to it. */
    public void runUntil(long time) {
        while (!queue.isEmpty() && queue.peek().at <= time) {
            runNext();
        }
        now = Math.max(now, time);
    }

    /**
     * Runs events until {@code done} holds or nothing is due before {@code limit}; returns whether {@code done}
     * holds.
     */
    public boolean runUntil(java.util.function.BooleanSupplier done, long limit) {
        while (!done.getAsBoolean()) {
            if (queue.isEmpty() || queue.peek().at > limit) {
                now = Math.max(now, limit);
                return false;
            }
            runNext();
        }
        return true;
    }

    /** The number of actions run so far (cancelled ones not counted). */
    public long executed() {
        return executed;
    }

    private void runNext() {
        Event event = queue.poll();
        now = event.at;
        if (!event.cancelled) {
            executed++;
            event.action.run();
        }
    }
}
