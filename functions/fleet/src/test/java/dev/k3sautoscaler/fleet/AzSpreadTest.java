package dev.k3sautoscaler.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzSpreadTest {
    private static final List<String> ZONES = List.of("a", "b", "c");

    @Test
    void allocate_fillsTheEmptiestZonesFirst() {
        // GIVEN a=3, b=1, c=0 WHEN four are added THEN b and c get two each, ending 3/3/2
        assertEquals(Map.of("b", 2, "c", 2), AzSpread.allocate(4, ZONES, Map.of("a", 3, "b", 1)));
    }

    @Test
    void allocate_roundRobins_whenZonesAreEven() {
        // GIVEN no workers WHEN five are added THEN two, two, one in configured order
        assertEquals(Map.of("a", 2, "b", 2, "c", 1), AzSpread.allocate(5, ZONES, Map.of()));
    }

    @Test
    void allocate_breaksTiesInConfiguredOrder_andKeepsThatOrder() {
        // GIVEN all equal WHEN one is added THEN the first zone gets it; the result iterates in zone order
        assertEquals(Map.of("a", 1), AzSpread.allocate(1, ZONES, Map.of("a", 1, "b", 1, "c", 1)));
        assertEquals(List.of("a", "b", "c"), List.copyOf(AzSpread.allocate(3, ZONES, Map.of()).keySet()));
    }

    @Test
    void allocate_ignoresCountsOfZonesNotOffered() {
        // GIVEN workers in a zone no longer configured WHEN two are added THEN they spread over the offered ones
        assertEquals(Map.of("a", 1, "b", 1), AzSpread.allocate(2, List.of("a", "b"), Map.of("z", 9)));
    }
}
