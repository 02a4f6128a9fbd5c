package dev.k3sautoscaler.fleet;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spreads new workers over AZs: each one goes to the AZ with the fewest workers at that moment
 * (ties in configured order). Losing one AZ then costs the fewest nodes, and a capacity shortage
 * in one AZ hits the fewest requests.
 */
final class AzSpread {
    private AzSpread() {
    }

    /** How many of {@code count} to ask of each AZ, in the order to ask; AZs with none are left out. */
    static Map<String, Integer> allocate(int count, List<String> zonesInOrder, Map<String, Integer> current) {
        Map<String, Integer> load = new HashMap<>();
        zonesInOrder.forEach(zone -> load.put(zone, current.getOrDefault(zone, 0)));
        Map<String, Integer> allocation = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String least = zonesInOrder.getFirst();
            for (String zone : zonesInOrder) {
                if (load.get(zone) < load.get(least)) {
                    least = zone;
                }
            }
            load.merge(least, 1, Integer::sum);
            allocation.merge(least, 1, Integer::sum);
        }
        Map<String, Integer> ordered = new LinkedHashMap<>();
        zonesInOrder.stream().filter(allocation::containsKey).forEach(zone -> ordered.put(zone, allocation.get(zone)));
        return ordered;
    }
}
