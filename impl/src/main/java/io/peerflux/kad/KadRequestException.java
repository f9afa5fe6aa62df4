package io.peerflux.kad;

/** An inbound request we refuse (a record that fails validation, a key that is not a multihash): its stream is reset. */
public final class KadRequestException extends Exception {

    public KadRequestException(String message) {
        super(message, null, false, false);
    }
}
