package dev.k3sautoscaler.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadHashTest {

    @Test
    void equalPayloads_hashEqually_whateverTheirMapOrder() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", Instant.parse("2026-03-01T12:00:00Z"));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", Instant.parse("2026-03-01T12:00:00Z"));
        ba.put("a", 1);

        assertEquals(PayloadHash.of(ab), PayloadHash.of(ba));
        assertEquals(64, PayloadHash.of(ab).length());
    }

    @Test
    void anyChangedField_changesTheHash() {
        record Key(String execution, int count) {
        }

        assertNotEquals(PayloadHash.of(new Key("e", 1)), PayloadHash.of(new Key("e", 2)));
        assertNotEquals(PayloadHash.of(new Key("e", 1)), PayloadHash.of(new Key("f", 1)));
    }
}
