package io.peerflux.kad.record;

import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Namespace {@code pk}: a peer's public key stored under {@code /pk/<binary peer id>}, for peers
 * whose id is a hash of a key too large to inline (RSA, ECDSA). The value is the marshalled
 * {@code PublicKey}; it is valid exactly when it hashes to the id in the key, so every valid value
 * for a key is the same key.
 */
public final class PublicKeyValidator implements Validator {

    /** The namespace this validator serves. */
    public static final String NAMESPACE = "pk";

    @Override
    public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException {
        byte[] peerId = Validators.rest(key, NAMESPACE);
        PublicKey publicKey;
        try {
            publicKey = PublicKey.unmarshal(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("/pk/ value is not a public key: " + e.getMessage(), e);
        }
        PeerId owner = PeerId.fromPublicKey(publicKey);
        if (!Arrays.equals(owner.bytes(), peerId)) {
            throw new InvalidRecordException("/pk/ value is the key of " + owner + ", not of the peer id in the record key");
        }
    }

    /** Returns 0: valid values for one key are all the same key. */
    @Override
    public int select(byte[] key, List<byte[]> values) {
        Validators.requireValues(values);
        return 0;
    }
}
