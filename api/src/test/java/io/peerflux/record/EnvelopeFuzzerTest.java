package io.peerflux.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.SpecVectors;
import java.util.Arrays;

/**
 * Jazzer fuzz target: {@link PeerRecord#open} returns a certified record or throws {@link InvalidEnvelopeException},
 * never anything else. The first byte's bit 0 picks what the rest is: 0, an envelope, as a peer sends it; 1, a peer
 * record payload, which the target seals first (random bytes never carry a valid signature, so without this the
 * record decoder behind the signature check would go unfuzzed). See docs/fuzzing.md.
 */
class EnvelopeFuzzerTest {

    private static final PrivateKey KEY = PrivateKey.unmarshal(SpecVectors.ED25519_PRIVATE);
    private static final byte[] PEER_RECORD_TYPE = {0x03, 0x01};

    @FuzzTest
    void fuzz(byte[] input) throws InvalidEnvelopeException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        byte[] envelope;
        if ((input[0] & 1) == 0) {
            envelope = rest;
        } else if (rest.length + 200 <= Envelope.MAX_SIZE) { // room for the key, signature and field tags
            envelope = Envelope.seal(KEY, PeerRecord.DOMAIN, PEER_RECORD_TYPE, rest).bytes();
        } else {
            return;
        }
        PeerRecord record;
        try {
            record = PeerRecord.open(envelope);
        } catch (InvalidEnvelopeException rejected) {
            assertThat(rejected.reason()).isNotNull();
            return;
        }
        assertThat(record.peerId().matches(record.envelope().publicKey())).isTrue();
        assertThat(record.addresses()).hasSizeLessThanOrEqualTo(PeerRecord.MAX_ADDRESSES);
        assertThat(record.envelope().bytes()).isEqualTo(envelope);
        PeerRecord again = PeerRecord.open(record.envelope().bytes());
        assertThat(again.seq()).isEqualTo(record.seq());
        assertThat(again.addresses()).isEqualTo(record.addresses());
    }
}
