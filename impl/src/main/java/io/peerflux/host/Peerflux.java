package io.peerflux.host;

/** Entry point: {@code Peerflux.host()…build()}. */
public final class Peerflux {

    /** This library's version, as announced in identify's agent version. */
    public static final String VERSION = "0.1.0";

    private Peerflux() {
    }

    /** A builder for a new host. */
    public static HostBuilder host() {
        return new HostBuilder();
    }
}
