package io.peerflux.kad.record;

import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Namespace {@code ipns}: IPNS records stored under {@code /ipns/<binary IPNS name>}, the routing
 * key of the IPNS spec's "Routing Record". A value is valid when it is an {@link IpnsRecord} that
 * {@link IpnsRecord#verify verifies} for the name in the key at the given time.
 */
public final class IpnsValidator implements Validator {

    /** The namespace this validator serves. */
    public static final String NAMESPACE = "ipns";

    /**
     * Longest a DHT node keeps an IPNS record. The IPNS spec ("Validity") says DHT peers keep
     * records for up to 48 hours, so publishers republish within that and set EOLs no further out;
     * boxo's default record lifetime is 48 h too. That is longer than the 36 h other records get,
     * so a record republished on the spec's schedule never lapses between republications.
     */
    public static final Duration MAX_RECORD_AGE = Duration.ofHours(48);

    /** Better records first: higher sequence, then later EOL. */
    private static final Comparator<IpnsRecord> NEWER_FIRST = Comparator
            .comparingLong(IpnsRecord::sequence)
            .thenComparing(IpnsRecord::eol)
            .reversed();

    @Override
    public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException {
        PeerId name;
        try {
            name = PeerId.fromBytes(Validators.rest(key, NAMESPACE));
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("/ipns/ key does not hold an IPNS name: " + e.getMessage(), e);
        }
        IpnsRecord.parse(value).verify(name, now);
    }

    /**
     * Picks the highest sequence, then the latest EOL, as boxo does. Ties between different records
     * go, also as in boxo, to the bytewise greater one, so every node picks the same record whatever
     * order the values arrived in, which DHT entry correction needs to converge; only identical
     * values tie, and the first of them wins.
     *
     * @throws IllegalArgumentException if {@code values} is empty or a value is not an IPNS record
     */
    @Override
    public int select(byte[] key, List<byte[]> values) {
        Validators.requireValues(values);
        int best = 0;
        IpnsRecord bestRecord = read(values, 0);
        for (int i = 1; i < values.size(); i++) {
            IpnsRecord candidate = read(values, i);
            int order = NEWER_FIRST.compare(candidate, bestRecord);
            if (order < 0 || order == 0 && Arrays.compareUnsigned(values.get(i), values.get(best)) > 0) {
                best = i;
                bestRecord = candidate;
            }
        }
        return best;
    }

    /**
     * Returns the record's EOL or {@link #MAX_RECORD_AGE} after {@code received}, whichever comes
     * first: past its EOL a record is invalid, and past the maximum age the publisher has had time
     * to republish, so keeping it would only serve a possibly stale value.
     *
     * @throws IllegalArgumentException if {@code value} is not an IPNS record
     */
    @Override
    public Instant expiry(byte[] key, byte[] value, Instant received) {
        Instant maxAge = received.plus(MAX_RECORD_AGE);
        Instant eol = read(List.of(value), 0).eol();
        return eol.isBefore(maxAge) ? eol : maxAge;
    }

    private static IpnsRecord read(List<byte[]> values, int index) {
        try {
            return IpnsRecord.parse(values.get(index));
        } catch (InvalidRecordException e) {
            throw new IllegalArgumentException("value " + index + " is not an IPNS record, so was never valid: "
                    + e.getMessage(), e);
        }
    }
}
