package io.peerflux.kad.record;

import java.time.Instant;
import java.util.List;

/**
 * Accepts any value and selects the first: for namespaces of a private network or a test, where
 * every peer is trusted and values carry no signature to check. Never use it for a namespace that
 * untrusted peers can write to.
 */
public final class AcceptAnyValidator implements Validator {

    @Override
    public void validate(byte[] key, byte[] value, Instant now) {
        // any value is valid
    }

    /** Returns 0: with nothing to compare, the first value is as good as any. */
    @Override
    public int select(byte[] key, List<byte[]> values) {
        Validators.requireValues(values);
        return 0;
    }
}
