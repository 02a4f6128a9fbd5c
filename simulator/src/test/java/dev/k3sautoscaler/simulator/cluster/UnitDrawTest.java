package dev.k3sautoscaler.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UnitDrawTest {

    @Test
    void of_isTheFirstDoubleOfASplittableRandomWithThatSeed() {
        // GIVEN keys as the jitter builds them (large products that overflow), and edge values
        long[] keys = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 31 * 0x9E3779B97F4A7C15L + 7 * 1_000_003L + 600};
        for (long key : keys) {
            // WHEN / THEN
            assertEquals(new SplittableRandom(key).nextDouble(), UnitDraw.of(key), "key " + key);
        }
        for (long key = -5_000; key < 5_000; key += 7) {
            long spread = key * 0x9E3779B97F4A7C15L;
            assertEquals(new SplittableRandom(spread).nextDouble(), UnitDraw.of(spread), "key " + spread);
        }
    }
}
