package io.peerflux;

/**
 * A {@link ConnectionGater} refused a connection at {@link #stage()}; the connection was closed (or, at
 * {@link Stage#DIAL}, never opened). On the dialing side it is the cause of a {@link DialException}.
 */
public final class ConnectionGatedException extends PeerfluxException {

    /** Where in a connection's life the gater refused it. */
    public enum Stage { DIAL, ACCEPT, SECURED, UPGRADED }

    private final Stage stage;

    private ConnectionGatedException(Stage stage, String message) {
        super(message, null);
        this.stage = stage;
    }

    /** @param what the address, connection or peer refused, for the message */
    public static ConnectionGatedException refused(Stage stage, Object what) {
        return new ConnectionGatedException(stage, "gated: " + what + " refused at " + stage);
    }

    public Stage stage() {
        return stage;
    }
}
