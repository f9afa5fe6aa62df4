package io.peerflux.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on the test thread for a condition that other threads make true, polling it. */
public final class Eventually {

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails the test when it still does not after {@code timeout}. */
    public static void await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition still false after " + timeout);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
        }
    }
}
