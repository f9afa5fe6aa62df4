package io.peerflux.peer;

import static io.peerflux.crypto.SpecVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.peerflux.crypto.KeyType;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.crypto.PublicKey;
import io.peerflux.crypto.SpecVectors;
import io.peerflux.multiformats.Cid;
import io.peerflux.multiformats.Multibase;
import io.peerflux.multiformats.Multihash;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeerIdTest {

    /**
     * The spec's test-vector public keys and their ids. The expected strings were computed apart from
     * this code (Python hashlib and a separate base58/base32 implementation); the Ed25519 one also
     * appears in other libp2p implementations' tests.
     */
    static Stream<Arguments> specKeys() {
        return Stream.of(
                Arguments.of(SpecVectors.ED25519_PUBLIC, "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
                        "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6", true),
                Arguments.of(SpecVectors.SECP256K1_PUBLIC, "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY",
                        "bafzaajiiaijcca3xo7uzjzcsyilaj6i54cj44qk7kqzpoao5rti2pjx6udtdbp6kte", true),
                Arguments.of(SpecVectors.ECDSA_PUBLIC, "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk",
                        "bafzbeidigywdclqvl5hxfefwp5onbffcfife7pza57mmfb4tiqmtkdjw64", false),
                Arguments.of(SpecVectors.RSA_PUBLIC, "QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG",
                        "bafzbeifwzcumbiyql7bhv7fe7mixg6i7aohegq75k234m63bnw6dbicmzu", false));
    }

    @ParameterizedTest
    @MethodSource("specKeys")
    void derivesTheIdsOfTheSpecKeys(byte[] marshalledKey, String base58, String cid, boolean inlined) {
        PublicKey key = PublicKey.unmarshal(marshalledKey);
        PeerId id = PeerId.fromPublicKey(key);

        assertThat(id.toBase58()).isEqualTo(base58);
        assertThat(id.toString()).isEqualTo(base58);
        assertThat(id.toCid()).isEqualTo(cid);
        assertThat(id.publicKey()).isEqualTo(inlined ? Optional.of(key) : Optional.empty());
        assertThat(id.matches(key)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("specKeys")
    void parsesBothTextFormsOfTheSpecKeys(byte[] marshalledKey, String base58, String cid, boolean inlined) {
        PeerId id = PeerId.fromPublicKey(PublicKey.unmarshal(marshalledKey));

        assertThat(PeerId.parse(base58)).isEqualTo(id).hasSameHashCodeAs(id);
        assertThat(PeerId.parse(cid)).isEqualTo(id);
        assertThat(PeerId.fromBytes(id.bytes())).isEqualTo(id);
        assertThat(PeerId.parse(base58).publicKey().isPresent()).isEqualTo(inlined);
    }

    @Test
    void specExamplesOfBothFormsNameTheSamePeer() {
        PeerId legacy = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        PeerId cid = PeerId.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");

        assertThat(cid).isEqualTo(legacy);
        assertThat(legacy.toCid()).isEqualTo("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
        assertThat(cid.toBase58()).isEqualTo("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertThat(legacy.bytes()).isEqualTo(hex("12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9"));
        assertThat(legacy.publicKey()).isEmpty();
    }

    @Test
    void specEd25519ExampleInlinesItsKey() {
        PeerId id = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");

        assertThat(id.bytes()).isEqualTo(hex("0024080112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b"));
        PublicKey key = id.publicKey().orElseThrow();
        assertThat(key.type()).isEqualTo(KeyType.ED25519);
        assertThat(key.raw()).isEqualTo(hex("2ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b"));
        assertThat(PeerId.fromPublicKey(key)).isEqualTo(id);
        assertThat(id.matches(key)).isTrue();
        assertThat(id.matches(PublicKey.unmarshal(SpecVectors.ED25519_PUBLIC))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Multibase.class)
    void parsesCidsInAnyMultibase(Multibase base) {
        PeerId id = PeerId.fromPublicKey(PrivateKey.generateEd25519().publicKey());
        String text = Cid.v1(Cid.LIBP2P_KEY, Multihash.parse(id.bytes())).toString(base);

        assertThat(PeerId.parse(text)).isEqualTo(id);
    }

    @Test
    void rejectsCidsOfOtherCodecsSayingSo() {
        Multihash hash = Multihash.parse(PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N").bytes());
        String rawCid = Cid.v1(Cid.RAW, hash).toString();
        String dagPbCid = Cid.v1(Cid.DAG_PB, hash).toString();

        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.parse(rawCid)).withMessageContaining("libp2p-key");
        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.parse(dagPbCid)).withMessageContaining("not libp2p-key");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "0",
        "Qm",
        "1",
        "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5", // one character short
        "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N1", // one character long
        "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx50", // '0' is not base58
        "12D3KooW9xAz382syaFvEGkNecHEZeaJ1MBBSbHJ8KyoPNmtLZ3d", // inlined Ed25519 "key" that is no curve point
        "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqx", // truncated CID
        "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe=", // padding
        "xafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", // unknown multibase
        "peer",
    })
    void rejectsMalformedText(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.parse(text));
    }

    @Test
    void rejectsOverlongText() {
        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.parse("1".repeat(PeerId.MAX_TEXT_LENGTH + 1)))
                .withMessageContaining("exceeds");
        assertThatNullPointerException().isThrownBy(() -> PeerId.parse(null));
    }

    @Test
    void acceptsOnlyIdentityAndSha256Multihashes() {
        byte[] sha512 = Multihash.of(0x13, new byte[64]).bytes();
        byte[] shortSha256 = Multihash.of(Multihash.SHA2_256, new byte[31]).bytes();
        byte[] identityOfGarbage = Multihash.identity(new byte[] {1, 2, 3}).bytes();

        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.fromBytes(sha512)).withMessageContaining("0x13");
        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.fromBytes(shortSha256)).withMessageContaining("31 bytes");
        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.fromBytes(identityOfGarbage))
                .withMessageContaining("public key");
        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.fromBytes(new byte[0]));
        byte[] trailing = Arrays.copyOf(Multihash.of(Multihash.SHA2_256, new byte[32]).bytes(), 35);
        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.fromBytes(trailing));
    }

    @Test
    void rejectsInlinedKeysThatShouldHaveBeenHashed() {
        byte[] inlinedEcdsa = Multihash.identity(SpecVectors.ECDSA_PUBLIC).bytes();

        assertThatIllegalArgumentException().isThrownBy(() -> PeerId.fromBytes(inlinedEcdsa))
                .withMessageContaining("must be hashed");
    }

    @Test
    void hashedIdsOfSmallKeysAreValidButDoNotMatchTheKey() {
        PublicKey key = PublicKey.unmarshal(SpecVectors.ED25519_PUBLIC);
        PeerId legacyStyle = PeerId.fromBytes(Multihash.sha256(key.marshal()).bytes());

        assertThat(legacyStyle.publicKey()).isEmpty();
        assertThat(legacyStyle.matches(key)).isFalse();
    }

    @Test
    void ordersByUnsignedBytesConsistentlyWithEquals() {
        PeerId identity = PeerId.parse("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"); // starts 0x00
        PeerId sha256 = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"); // starts 0x12
        PeerId high = PeerId.fromBytes(Multihash.of(Multihash.SHA2_256, filled((byte) 0xff)).bytes());
        PeerId low = PeerId.fromBytes(Multihash.of(Multihash.SHA2_256, filled((byte) 0x01)).bytes());

        assertThat(identity).isLessThan(sha256);
        assertThat(low).isLessThan(high);
        assertThat(sha256.compareTo(PeerId.parse(sha256.toCid()))).isZero();
    }

    @Test
    void bytesAreCopies() {
        PeerId id = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        byte[] bytes = id.bytes();
        bytes[5] ^= 1;

        assertThat(id.bytes()).isNotEqualTo(bytes);
        assertThat(id.toBase58()).isEqualTo("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
    }

    private static byte[] filled(byte value) {
        byte[] digest = new byte[32];
        Arrays.fill(digest, value);
        return digest;
    }
}
