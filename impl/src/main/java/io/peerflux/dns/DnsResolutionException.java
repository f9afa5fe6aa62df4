package io.peerflux.dns;

import io.peerflux.PeerfluxException;
import java.util.List;

/**
 * A {@code /dnsaddr} name could not be resolved: its query failed or timed out, the name server answered with an
 * error code (such as NXDOMAIN), or every nested name it led to failed. Callers match on the type and {@link #name()},
 * never on the message.
 */
public final class DnsResolutionException extends PeerfluxException {

    private final String name;

    private DnsResolutionException(String name, String message, Throwable cause) {
        super(message, cause);
        this.name = name;
    }

    /** The DNS name that was queried, for example {@code _dnsaddr.bootstrap.libp2p.io}. */
    public String name() {
        return name;
    }

    static DnsResolutionException queryFailed(String name, Throwable cause) {
        return new DnsResolutionException(name, "TXT query for " + name + " failed: " + describe(cause), cause);
    }

    static DnsResolutionException answered(String name, String responseCode) {
        return new DnsResolutionException(name, "TXT query for " + name + " answered " + responseCode, null);
    }

    /** Nothing resolved because each nested name failed; their failures are attached as suppressed exceptions. */
    static DnsResolutionException nestedFailed(String name, List<? extends Throwable> failures) {
        DnsResolutionException e = new DnsResolutionException(name,
                name + " resolved to no address: all " + failures.size() + " nested names failed", null);
        failures.forEach(e::addSuppressed);
        return e;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
    }
}
