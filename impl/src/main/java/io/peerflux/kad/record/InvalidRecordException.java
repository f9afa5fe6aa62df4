package io.peerflux.kad.record;

/**
 * A DHT record, or the key it is stored under, fails its namespace's validation. Checked, because
 * every record comes from the network and callers must decide what to do with a bad one (drop it,
 * not store it, not return it).
 */
public final class InvalidRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong with the record or key
     */
    public InvalidRecordException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with the record or key
     * @param cause the parser's or decoder's error
     */
    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
