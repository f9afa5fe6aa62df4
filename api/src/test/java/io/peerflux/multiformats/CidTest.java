package io.peerflux.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidTest {

    /** The CIDv0/CIDv1 pair from multiformats/cid's README. */
    private static final String V0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
    private static final String V1 = "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

    @Test
    void specV0AndV1NameTheSameHash() {
        Cid v0 = Cid.parse(V0);
        Cid v1 = Cid.parse(V1);
        assertThat(v0.version()).isZero();
        assertThat(v0.codec()).isEqualTo(Cid.DAG_PB);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.codec()).isEqualTo(Cid.DAG_PB);
        assertThat(v1.multihash()).isEqualTo(v0.multihash());
        assertThat(v0.multihash().code()).isEqualTo(Multihash.SHA2_256);
        assertThat(v0).hasToString(V0);
        assertThat(v1).hasToString(V1);
        assertThat(Cid.v1(Cid.DAG_PB, v0.multihash())).hasToString(V1);
        assertThat(Cid.parse(v1.bytes())).isEqualTo(v1);
        assertThat(Cid.parse(v0.bytes())).isEqualTo(v0);
        assertThat(HexFormat.of().formatHex(v1.bytes(), 0, 4)).isEqualTo("01701220");
    }

    @Test
    void v1InOtherBases() {
        Cid v1 = Cid.parse(V1);
        for (Multibase base : Multibase.values()) {
            String text = v1.toString(base);
            assertThat(text.charAt(0)).isEqualTo(base.prefix());
            assertThat(Cid.parse(text)).isEqualTo(v1);
        }
        assertThat(Cid.parse(V1.toUpperCase())).isEqualTo(v1);
    }

    @Test
    void v0HasOnlyItsBase58Form() {
        Cid v0 = Cid.parse(V0);
        assertThat(v0.toString(Multibase.BASE58BTC)).isEqualTo(V0);
        assertThatThrownBy(() -> v0.toString(Multibase.BASE32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void v0IsRestrictedToSha256DagPb() {
        assertThatThrownBy(() -> Cid.v0(Multihash.identity(new byte[32]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cid.v0(Multihash.of(Multihash.SHA2_256, new byte[20]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Cid(0, Cid.RAW, Multihash.sha256(new byte[0]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Cid(2, Cid.RAW, Multihash.sha256(new byte[0]))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void libp2pKeyCidOfAnIdentityMultihash() {
        Multihash key = Multihash.identity(new byte[] {8, 1, 18, 32});
        Cid cid = Cid.v1(Cid.LIBP2P_KEY, key);
        assertThat(HexFormat.of().formatHex(cid.bytes())).isEqualTo("01720004" + "08011220");
        assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| empty multibase string",
        "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1I| invalid base58btc character 'I' at index 45",
        "zQmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n| may not be a CIDv0",
        "f0070| unsupported CID version 0",
        "f0155| truncated",
        "f01551200aa| trailing byte",
        "f02551200| unsupported CID version 2",
    })
    void rejectsInvalidText(String text, String message) {
        assertThatThrownBy(() -> Cid.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Property
    void v1RoundTrips(@ForAll @LongRange(min = 0, max = 1L << 40) long codec, @ForAll @Size(max = 64) byte[] digest, @ForAll Multibase base) {
        Cid cid = Cid.v1(codec, Multihash.of(0x13, digest));
        assertThat(Cid.parse(cid.bytes())).isEqualTo(cid);
        assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
        assertThat(Cid.parse(cid.toString(base))).isEqualTo(cid);
    }

    @Property(tries = 2000)
    void arbitraryBytesParseCanonicallyOrFailCleanly(@ForAll @Size(max = 80) byte[] bytes) {
        Cid cid;
        try {
            cid = Cid.parse(bytes);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertThat(cid.bytes()).isEqualTo(bytes);
    }

    @Property(tries = 2000)
    void arbitraryTextFailsCleanly(@ForAll @Size(max = 80) String text) {
        try {
            Cid.parse(text);
        } catch (IllegalArgumentException expected) {
            // the only failure allowed
        }
    }
}
