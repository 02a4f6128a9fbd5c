package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PackedTextTest {

    @Test
    void unpack_givesBackWhatWasPacked_outsideLatin1Included() {
        for (String text : new String[] {"", "{}", "{\"reason\":\"93 → 92 workers … 5 pods\",\"ü\":\"日本\"}", "x".repeat(100_000)}) {
            assertEquals(text, PackedText.unpack(PackedText.pack(text)));
        }
        assertNull(PackedText.pack(null));
        assertNull(PackedText.unpack(null));
    }

    @Test
    void aKeptText_readsTheSame_beforeAndAfterItIsPacked() {
        String text = "{\"reason\":\"93 → 92 workers\"}";
        PackedText.Kept kept = PackedText.Kept.of(text);
        PackedText.Kept packed = kept.packed();
        assertEquals(text, kept.text());
        assertEquals(text, packed.text());
        assertNull(packed.raw(), "packed: only the deflated bytes are held");
        assertTrue(packed == packed.packed(), "packing twice deflates once");
        assertNull(PackedText.Kept.of(null));
    }

    @Test
    void pack_keepsStateDataInAFractionOfItsSize() {
        // GIVEN state data as an actuation repeats it: the same shape for a hundred workers
        StringBuilder state = new StringBuilder("{\"workers\":[");
        for (int i = 0; i < 100; i++) {
            state.append("{\"name\":\"i-000a1b2c3d4e5f").append(100 + i).append("\",\"ready\":true,\"verdict\":\"underutilized → kept\"},");
        }
        String text = state.append("{}]}").toString();

        // WHEN / THEN a tenth of the UTF-16 string it would otherwise be (two bytes a character)
        assertTrue(PackedText.pack(text).length * 10 < text.length() * 2, PackedText.pack(text).length + " bytes");
    }
}
