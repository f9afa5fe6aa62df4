package io.peerflux.resource;

/**
 * The memory a host-wide service holds as its state grows (the DHT's record and provider stores), reserved in the
 * service's scope of the resource manager and in the system scope, so that what remote peers make a service store
 * counts against the same budget as connection buffers. A state machine calls it on its own thread; an implementation
 * is thread-safe.
 */
public interface ServiceMemory {

    /** Grants everything and counts nothing: for state machines run outside a host (the simulator, tests). */
    ServiceMemory UNLIMITED = new ServiceMemory() {
        @Override
        public boolean reserve(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
        }
    };

    /**
     * Reserves {@code bytes} more; {@code false} when a limit refuses them (the resource manager logs the refusal, and
     * the caller must not keep what needed them).
     */
    boolean reserve(long bytes);

    /** Gives back {@code bytes} reserved before. */
    void release(long bytes);
}
