package io.peerflux.kad.record;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** TEMPORARY stand-in until the validators branch lands. */
public interface Validator {
    void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException;
    int select(byte[] key, List<byte[]> values);
    default Instant expiry(byte[] key, byte[] value, Instant received) { return received.plus(Duration.ofHours(36)); }
}
