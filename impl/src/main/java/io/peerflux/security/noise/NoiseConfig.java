package io.peerflux.security.noise;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link Noise}. Immutable: each {@code withXxx} returns a copy.
 *
 * <p>Defaults ({@link #defaults()}): a handshake must complete within 10 seconds.
 */
public final class NoiseConfig {

    private static final NoiseConfig DEFAULTS = new NoiseConfig(Duration.ofSeconds(10));

    private final Duration handshakeTimeout;

    private NoiseConfig(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    /** The default settings described in the class javadoc. */
    public static NoiseConfig defaults() {
        return DEFAULTS;
    }

    /** How long a handshake may take, from the moment it starts until both sides are authenticated. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Returns a copy with the given handshake timeout.
     *
     * @param timeout positive
     */
    public NoiseConfig withHandshakeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + timeout);
        }
        return new NoiseConfig(timeout);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseConfig other && handshakeTimeout.equals(other.handshakeTimeout);
    }

    @Override
    public int hashCode() {
        return handshakeTimeout.hashCode();
    }

    @Override
    public String toString() {
        return "NoiseConfig[handshakeTimeout=" + handshakeTimeout + "]";
    }
}
