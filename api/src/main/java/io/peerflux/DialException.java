package io.peerflux;

import io.peerflux.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.List;

/**
 * A dial failed: the address was unreachable or refused, did not answer in time, no transport could dial it,
 * the peer at the other end was not the one asked for, or a gater refused it (the cause is then a
 * {@link ConnectionGatedException}); or it was skipped, having failed recently or being of a kind that never gets
 * through from here. Signalled by {@code Host.connect} and {@code newStream}.
 */
public final class DialException extends PeerfluxException {

    private final Multiaddr address;

    private DialException(Multiaddr address, String message, Throwable cause) {
        super(message, cause);
        this.address = address;
    }

    /** The address that was dialed; {@code null} when every address of a peer failed (see suppressed). */
    public Multiaddr address() {
        return address;
    }

    public static DialException failed(Multiaddr address, Throwable cause) {
        return new DialException(address, "dial " + address + " failed: " + describe(cause), cause);
    }

    public static DialException timeout(Multiaddr address, Duration timeout) {
        return new DialException(address, "dial " + address + " timed out after " + timeout.toMillis() + " ms", null);
    }

    public static DialException noTransport(Multiaddr address) {
        return new DialException(address, "no transport can dial " + address, null);
    }

    /** Not dialed: the address failed recently and waits {@code remaining} more before it is tried again. */
    public static DialException backedOff(Multiaddr address, Duration remaining) {
        return new DialException(address, "dial " + address + " skipped: backing off after failures, "
                + remaining.toMillis() + " ms to go", null);
    }

    /** Not dialed: dials of this kind ({@code udp}, {@code ipv6}) from here almost never succeed lately. */
    public static DialException blackHole(Multiaddr address, String kind) {
        return new DialException(address, "dial " + address + " skipped: " + kind + " looks like a black hole here",
                null);
    }

    public static DialException noAddresses(Object peer) {
        return new DialException(null, "no known addresses for peer " + peer, null);
    }

    /** All addresses of a peer failed; each failure is attached as a suppressed exception. */
    public static DialException allFailed(Object peer, List<? extends Throwable> failures) {
        DialException e = new DialException(null, "all " + failures.size() + " addresses of " + peer + " failed", null);
        failures.forEach(e::addSuppressed);
        return e;
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
    }
}
