package io.peerflux.crypto;

import static io.peerflux.crypto.SpecVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyProtobufTest {

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void keyTypeNumbersRoundTrip(KeyType type) {
        assertThat(KeyType.fromProtobufNumber(type.protobufNumber())).isSameAs(type);
    }

    @Test
    void keyTypeNumbersAreTheSpecEnumValues() {
        assertThat(KeyType.RSA.protobufNumber()).isZero();
        assertThat(KeyType.ED25519.protobufNumber()).isEqualTo(1);
        assertThat(KeyType.SECP256K1.protobufNumber()).isEqualTo(2);
        assertThat(KeyType.ECDSA.protobufNumber()).isEqualTo(3);
        assertThatIllegalArgumentException().isThrownBy(() -> KeyType.fromProtobufNumber(4)).withMessageContaining("4");
        assertThatIllegalArgumentException().isThrownBy(() -> KeyType.fromProtobufNumber(-1));
    }

    @Test
    void encodesTypeThenLengthDelimitedData() {
        assertThat(KeyProtobuf.encode(KeyType.SECP256K1, new byte[] {7, 8})).isEqualTo(hex("0802120207" + "08"));
        byte[] large = KeyProtobuf.encode(KeyType.RSA, new byte[300]);
        assertThat(Arrays.copyOf(large, 5)).isEqualTo(hex("080012ac02"));
        assertThat(large).hasSize(305);
    }

    @Test
    void decodesWhatItEncodes() {
        KeyProtobuf decoded = KeyProtobuf.decode(hex("08031203010203"), "key");
        assertThat(decoded.type()).isEqualTo(KeyType.ECDSA);
        assertThat(decoded.data()).isEqualTo(hex("010203")).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                        // nothing
        "0801",                    // Data missing
        "1201000801",              // fields out of tag order
        "08010801120100",          // Type repeated
        "0801120100" + "1801",     // an unknown field after Data
        "080112020000" + "00",     // a byte after Data
        "0801120300",              // Data shorter than declared
        "0881120100",              // Type varint running into the next tag (2305)
        "0881001200",              // Type varint not minimal (1 as 0x81 0x00)
        "080112a00000",            // length varint not minimal (32 as 0xa0 0x00)
        "0804120100",              // Type 4 does not exist
        "08ffffffff0f120100",      // Type -1 as a 5-byte varint
        "0a01011201",              // Type with the wrong wire type
        "08011280",                // length varint truncated
    })
    void rejectsEverythingButTheDeterministicEncoding(String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> KeyProtobuf.decode(hex(message), "key"));
    }

    @Test
    void rejectsMessagesOverTheSizeLimit() {
        byte[] justFits = KeyProtobuf.encode(KeyType.RSA, new byte[KeyProtobuf.MAX_SIZE - 5]);
        assertThat(justFits).hasSize(KeyProtobuf.MAX_SIZE);
        assertThat(KeyProtobuf.decode(justFits, "key").data()).hasSize(KeyProtobuf.MAX_SIZE - 5);

        byte[] tooLarge = KeyProtobuf.encode(KeyType.RSA, new byte[KeyProtobuf.MAX_SIZE - 4]);
        assertThatIllegalArgumentException().isThrownBy(() -> KeyProtobuf.decode(tooLarge, "key"))
                .withMessageContaining("limit");
    }

    @Property
    void anyAcceptedMessageIsTheEncodingOfWhatItDecodesTo(@ForAll @Size(max = 40) byte[] message) {
        KeyProtobuf decoded;
        try {
            decoded = KeyProtobuf.decode(message, "key");
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(KeyProtobuf.encode(decoded.type(), decoded.data())).isEqualTo(message);
    }

    @Property
    void encodingDecodes(@ForAll KeyType type, @ForAll @Size(max = 300) byte[] data) {
        KeyProtobuf decoded = KeyProtobuf.decode(KeyProtobuf.encode(type, data), "key");
        assertThat(decoded.type()).isEqualTo(type);
        assertThat(decoded.data()).isEqualTo(data);
    }
}
