package io.peerflux.security.tls;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link Tls}. Immutable: each {@code withXxx} returns a copy.
 *
 * <p>Defaults ({@link #defaults()}): a handshake must complete within 10 seconds.
 */
public final class TlsConfig {

    private static final TlsConfig DEFAULTS = new TlsConfig(Duration.ofSeconds(10));

    private final Duration handshakeTimeout;

    private TlsConfig(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    /** The default settings described in the class javadoc. */
    public static TlsConfig defaults() {
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
    public TlsConfig withHandshakeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + timeout);
        }
        return new TlsConfig(timeout);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsConfig other && handshakeTimeout.equals(other.handshakeTimeout);
    }

    @Override
    public int hashCode() {
        return handshakeTimeout.hashCode();
    }

    @Override
    public String toString() {
        return "TlsConfig[handshakeTimeout=" + handshakeTimeout + "]";
    }
}
