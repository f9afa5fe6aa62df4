package io.peerflux.kad.record;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.peer.PeerId;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Jazzer fuzz target: {@link IpnsRecord#parse} of arbitrary bytes returns a record or throws
 * {@link InvalidRecordException}; a parsed record reads back the same from its marshalled form, and verifying it
 * (against the seeds' signer and against its own embedded key) either passes or throws
 * {@link InvalidRecordException}. See docs/fuzzing.md.
 */
class IpnsRecordFuzzerTest {

    /** The Ed25519 key that signs the seeds (the peer-ids spec's test vector). */
    static final PrivateKey SIGNER = PrivateKey.unmarshal(HexFormat.of().parseHex(
            "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4"
                    + "b47bf3d3b34b871c3cacf6010f0e42d474fce27e"));
    private static final PeerId NAME = PeerId.fromPublicKey(SIGNER.publicKey());
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @FuzzTest
    void fuzz(byte[] input) {
        IpnsRecord record;
        try {
            record = IpnsRecord.parse(input);
        } catch (InvalidRecordException rejected) {
            return;
        }
        IpnsRecord again;
        try {
            again = IpnsRecord.parse(record.marshal());
        } catch (InvalidRecordException e) {
            throw new AssertionError("a parsed record's own bytes do not parse", e);
        }
        assertThat(again.value()).isEqualTo(record.value());
        assertThat(again.sequence()).isEqualTo(record.sequence());
        assertThat(again.eol()).isEqualTo(record.eol());
        assertThat(again.ttl()).isEqualTo(record.ttl());
        verify(record, NAME);
        record.embeddedPublicKey().map(PublicKey::marshal).map(PublicKey::unmarshal)
                .ifPresent(key -> verify(record, PeerId.fromPublicKey(key)));
    }

    private static void verify(IpnsRecord record, PeerId name) {
        try {
            record.verify(name, NOW);
        } catch (InvalidRecordException rejected) {
            // a typed rejection is within the contract
        }
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        byte[] value = "/ipfs/bafkqaaa".getBytes(StandardCharsets.UTF_8);
        seeds.add(target, "ed25519", IpnsRecord.create(SIGNER, value, 1, NOW.plusSeconds(3600),
                IpnsRecord.DEFAULT_TTL).marshal());
        seeds.addVarying(target, "ecdsa-embedded-key", IpnsRecord.create(PrivateKey.generateEcdsaP256(), value, 7,
                NOW.plusSeconds(60), Duration.ofSeconds(30)).marshal());
        seeds.verifyOrWrite();
    }
}
