package io.peerflux.kad.record;

/** TEMPORARY stand-in until the validators branch lands. */
public class InvalidRecordException extends Exception {
    public InvalidRecordException(String m) { super(m); }
}
