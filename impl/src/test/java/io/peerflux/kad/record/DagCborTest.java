package io.peerflux.kad.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The DAG-CBOR subset: canonical output, and the strict input rules with the one documented leniency. */
class DagCborTest {

    @Test
    void integersAndLengthsTakeTheirShortestForm() {
        assertThat(hex(Map.of("a", 23L))).isEqualTo("a1616117");
        assertThat(hex(Map.of("a", 24L))).isEqualTo("a161611818");
        assertThat(hex(Map.of("a", 255L))).isEqualTo("a1616118ff");
        assertThat(hex(Map.of("a", 256L))).isEqualTo("a16161190100");
        assertThat(hex(Map.of("a", 65_535L))).isEqualTo("a1616119ffff");
        assertThat(hex(Map.of("a", 65_536L))).isEqualTo("a161611a00010000");
        assertThat(hex(Map.of("a", 0xffff_ffffL))).isEqualTo("a161611affffffff");
        assertThat(hex(Map.of("a", 0x1_0000_0000L))).isEqualTo("a161611b0000000100000000");
        assertThat(hex(Map.of("a", Long.MAX_VALUE))).isEqualTo("a161611b7fffffffffffffff");
        assertThat(hex(Map.of("a", new byte[24]))).startsWith("a161615818");
    }

    @Test
    void keysAreSortedByLengthThenBytes() {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String key : List.of("Value", "ValidityType", "TTL", "Validity", "Sequence", "b", "a", "é")) {
            fields.put(key, 0L);
        }
        assertThat(keysInOrder(DagCbor.encodeMap(fields)))
                .containsExactly("a", "b", "é", "TTL", "Value", "Sequence", "Validity", "ValidityType");
    }

    @Test
    void everyDagCborKindIsAcceptedInExtensionFields() throws InvalidRecordException {
        // {"a": -1, "b": "x", "c": [true, false, null], "d": {"e": 1.5}, "f": CID bytes}
        Map<String, Object> decoded = DagCbor.decodeMap(bytes(
                "a5" + "616120" + "61626178" + "616383f5f4f6" + "6164a16165fb3ff8000000000000"
                        + "6166d82a420001"));
        assertThat(decoded).containsOnlyKeys("a", "b", "c", "d", "f");
        assertThat(decoded.values()).allMatch(DagCbor.Other.class::isInstance);
        assertThat(decoded.get("c")).isEqualTo(new DagCbor.Other("list"));
    }

    @Test
    void unsortedKeysAreReadLikeTheReferenceDecodersDo() throws InvalidRecordException {
        assertThat(DagCbor.decodeMap(bytes("a2616201616101"))).containsEntry("a", 1L).containsEntry("b", 1L);
    }

    @Test
    void nonCanonicalOrAmbiguousInputIsRejected() {
        assertRejected("", "truncated");
        assertRejected("80", "is a list, not a map");
        assertRejected("a0ff", "followed by 1 byte");
        assertRejected("bf616101ff", "indefinite");
        assertRejected("a161615f41004100ff", "indefinite");
        assertRejected("a161611801", "shortest form");
        assertRejected("a16161190001", "shortest form");
        assertRejected("b80100", "shortest form");
        assertRejected("a16161780161", "shortest form");
        assertRejected("a2616101616102", "repeats key \"a\"");
        assertRejected("a10101", "not a text string");
        assertRejected("a16161c11a00000000", "only tag 42");
        assertRejected("a16161d82a4101", "starting with 0x00");
        assertRejected("a16161f93c00", "64-bit floats");
        assertRejected("a16161fa3fc00000", "64-bit floats");
        assertRejected("a16161fb7ff8000000000000", "NaN");
        assertRejected("a16161f7", "not simple/float item 0xf7");
        assertRejected("a16161fc", "not simple/float item 0xfc");
        assertRejected("a161ff00", "not valid UTF-8");
        assertRejected("a1616162ffff", "not valid UTF-8");
        assertRejected("a161615a7fffffff", "truncated");
        assertRejected("a161619b7fffffffffffffff", "truncated");
        assertRejected("bb7fffffffffffffff", "truncated");
        assertRejected("a16161" + "81".repeat(DagCbor.MAX_DEPTH) + "00", "nests deeper than 64");
    }

    @Test
    void nestingUpToTheLimitIsRead() throws InvalidRecordException {
        assertThat(DagCbor.decodeMap(bytes("a16161" + "81".repeat(DagCbor.MAX_DEPTH - 1) + "00"))).containsKey("a");
    }

    @Property(tries = 500)
    void encodedMapsDecodeToThemselves(@ForAll("maps") Map<String, Object> fields) throws InvalidRecordException {
        byte[] encoded = DagCbor.encodeMap(fields);
        Map<String, Object> decoded = DagCbor.decodeMap(encoded);

        assertThat(decoded).usingRecursiveComparison().isEqualTo(fields);
        List<String> keys = keysInOrder(encoded);
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(DagCbor.KEY_ORDER);
        assertThat(keys).isEqualTo(sorted);
    }

    @Property(tries = 300)
    void unsignedIntegersRoundTrip(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long value)
            throws InvalidRecordException {
        assertThat(DagCbor.decodeMap(DagCbor.encodeMap(Map.of("n", value)))).containsEntry("n", value);
    }

    @Provide
    Arbitrary<Map<String, Object>> maps() {
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(Object.class::cast),
                Arbitraries.longs().greaterOrEqual(0).map(Object.class::cast));
        return Arbitraries.maps(Arbitraries.strings().withCharRange('\u0000', '\u07ff').ofMaxLength(30), values).ofMaxSize(12)
                .map(LinkedHashMap<String, Object>::new);
    }

    @Test
    void theEncoderRefusesWhatItCannotWrite() {
        assertThatThrownBy(() -> DagCbor.encodeMap(Map.of("a", -1L))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DagCbor.encodeMap(Map.of("a", "text"))).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRejected(String hex, String message) {
        assertThatThrownBy(() -> DagCbor.decodeMap(bytes(hex)))
                .as(hex)
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining(message);
    }

    private static List<String> keysInOrder(byte[] encoded) {
        // Re-decoding keeps the order the keys appear in.
        try {
            return new ArrayList<>(DagCbor.decodeMap(encoded).keySet());
        } catch (InvalidRecordException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(Map<String, Object> fields) {
        return HexFormat.of().formatHex(DagCbor.encodeMap(fields));
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
