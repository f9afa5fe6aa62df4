package io.peerflux.kad.record;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Validation and conflict resolution for the values of one key namespace, as the kad-dht spec's
 * "Entry validation" section describes: a node validates a value before storing it (PUT_VALUE) and
 * before trusting it (GET_VALUE), and picks the best of several values a lookup returns.
 *
 * <p>Implementations are pure functions of their arguments: no I/O and no clock reads, so the
 * caller decides what "now" is and results are reproducible.
 */
public interface Validator {

    /**
     * Checks value for key at now (wall time, supplied by the caller: no clock reads inside).
     *
     * @param key the binary record key, {@code /namespace/...}
     * @param value the record value
     * @param now the current wall time
     * @throws InvalidRecordException if the value is not valid for the key at {@code now}
     */
    void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException;

    /**
     * Index of the best value; every value is already valid. Must be stable (same inputs, same answer).
     *
     * @param key the binary record key
     * @param values at least one value that {@link #validate} accepted for {@code key}
     * @return an index into {@code values}
     * @throws IllegalArgumentException if {@code values} is empty or holds a value this validator
     *     cannot read, which breaks the precondition
     */
    int select(byte[] key, List<byte[]> values);

    /**
     * When a record received at received should be forgotten. Default: received + 36 h (go-libp2p's MaxRecordAge).
     *
     * @param key the binary record key
     * @param value a value that {@link #validate} accepted
     * @param received when the value was received
     * @return the time after which a store should drop the value
     */
    default Instant expiry(byte[] key, byte[] value, Instant received) {
        return received.plus(Duration.ofHours(36));
    }
}
