package io.peerflux;

/** The stream was reset, by the remote or locally (cancel, error, connection closed). Its data is lost. */
public final class StreamResetException extends PeerfluxException {

    private final boolean remote;

    private StreamResetException(boolean remote, String message, Throwable cause) {
        super(message, cause);
        this.remote = remote;
    }

    /** {@code true} when the remote reset the stream. */
    public boolean remote() {
        return remote;
    }

    public static StreamResetException byRemote(String streamId) {
        return new StreamResetException(true, "stream " + streamId + " reset by remote", null);
    }

    public static StreamResetException locally(String streamId, Throwable cause) {
        return new StreamResetException(false, "stream " + streamId + " reset locally"
                + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    public static StreamResetException connectionClosed(String streamId, Throwable cause) {
        return new StreamResetException(false, "stream " + streamId + " lost: connection closed"
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }
}
