package io.peerflux.kad.record;

import org.junit.jupiter.api.Test;
import io.peerflux.testing.FuzzSeeds;
import java.util.LinkedHashMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jazzer fuzz target: {@link DagCbor#decodeMap} of arbitrary bytes returns a map or throws
 * {@link InvalidRecordException}. A map of byte strings and integers re-encodes ({@link DagCbor#encodeMap}) to
 * the input itself when its keys came in canonical order (the decoder accepts only shortest forms), and always to
 * bytes that decode to the same map. See docs/fuzzing.md.
 */
class DagCborFuzzerTest {

    @FuzzTest
    void fuzz(byte[] input) throws InvalidRecordException {
        Map<String, Object> map;
        try {
            map = DagCbor.decodeMap(input);
        } catch (InvalidRecordException rejected) {
            return;
        }
        if (!map.values().stream().allMatch(v -> v instanceof byte[] || v instanceof Long)) {
            return;
        }
        byte[] encoded = DagCbor.encodeMap(map);
        Map<String, Object> again = DagCbor.decodeMap(encoded);
        assertThat(again.keySet()).containsExactlyInAnyOrderElementsOf(map.keySet());
        map.forEach((key, value) -> assertThat(again.get(key)).as(key).isEqualTo(value));
        List<String> keys = new ArrayList<>(map.keySet());
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(DagCbor.KEY_ORDER);
        if (keys.equals(sorted)) {
            assertThat(encoded).isEqualTo(input);
        }
    }

    /** The seed corpus: encodings made by the code's own encoders (docs/fuzzing.md). */
    @Test
    void seeds() throws Exception {
        FuzzSeeds seeds = new FuzzSeeds();
        String target = getClass().getName();
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("TTL", 300_000_000_000L);
        entries.put("Value", "/ipfs/bafkqaaa".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        entries.put("Sequence", 1L);
        entries.put("Validity", "2026-01-01T00:00:00.000000000Z".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        entries.put("ValidityType", 0L);
        seeds.add(target, "ipns-data", DagCbor.encodeMap(entries));
        seeds.add(target, "empty", DagCbor.encodeMap(Map.of()));
        seeds.verifyOrWrite();
    }
}
