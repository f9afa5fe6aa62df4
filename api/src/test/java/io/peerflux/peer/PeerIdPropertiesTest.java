package io.peerflux.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Text and binary round trips, and fuzzing of both decoders. */
class PeerIdPropertiesTest {

    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

    /** Fresh keys of the types whose ids are inlined and hashed. */
    @Provide
    Arbitrary<PublicKey> keys() {
        return Arbitraries.of("ed25519", "secp256k1", "ecdsa").map(type -> switch (type) {
            case "ed25519" -> PrivateKey.generateEd25519().publicKey();
            case "secp256k1" -> PrivateKey.generateSecp256k1().publicKey();
            default -> PrivateKey.generateEcdsaP256().publicKey();
        });
    }

    @Property(tries = 300, generation = GenerationMode.RANDOMIZED)
    void bothTextFormsRoundTrip(@ForAll("keys") PublicKey key) {
        PeerId id = PeerId.fromPublicKey(key);

        assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
        assertThat(PeerId.fromBytes(id.bytes())).isEqualTo(id);
        assertThat(id.toCid()).startsWith("bafz");
        assertThat(id.matches(key)).isTrue();
        assertThat(PeerId.parse(id.toBase58()).publicKey()).isEqualTo(id.publicKey());
    }

    @Property
    void randomTextIsRejectedOrRoundTrips(@ForAll @Size(max = 80) String text) {
        check(text);
    }

    @Property(tries = 3000)
    void mutatedIdsAreRejectedOrRoundTrip(@ForAll("mutatedIds") String text) {
        check(text);
    }

    @Property
    void randomBytesAreRejectedOrRoundTrip(@ForAll @Size(max = 60) byte[] bytes) {
        PeerId id;
        try {
            id = PeerId.fromBytes(bytes);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(id.bytes()).isEqualTo(bytes);
    }

    /** Valid ids of every kind with one to three characters replaced from the alphabet of their form, or cut short. */
    @Provide
    Arbitrary<String> mutatedIds() {
        Arbitrary<String> valid = Arbitraries.of(
                "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
                "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY",
                "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
                "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6",
                "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
        Arbitrary<int[]> edits = Arbitraries.integers().between(0, Integer.MAX_VALUE).array(int[].class).ofMinSize(2).ofMaxSize(6);
        return Combinators.combine(valid, edits, Arbitraries.integers().between(0, 5)).as((text, edit, cut) -> {
            char[] chars = text.toCharArray();
            String alphabet = text.startsWith("b") ? BASE32 : BASE58;
            for (int i = 0; i + 1 < edit.length; i += 2) {
                chars[edit[i] % chars.length] = alphabet.charAt(edit[i + 1] % alphabet.length());
            }
            String mutated = new String(chars);
            return cut == 0 ? mutated.substring(0, edit[0] % mutated.length()) : mutated;
        });
    }

    private static void check(String text) {
        PeerId id;
        try {
            id = PeerId.parse(text);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
        if (text.startsWith("1") || text.startsWith("Qm")) {
            assertThat(id.toBase58()).isEqualTo(text);
        }
    }
}
