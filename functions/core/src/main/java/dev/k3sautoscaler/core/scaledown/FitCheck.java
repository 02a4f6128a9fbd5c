package dev.k3sautoscaler.core.scaledown;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Would these pods find room on the other nodes? First-fit decreasing by requests against each
 * node's free allocatable (allocatable minus the requests of the pods already bound there), the
 * same arithmetic the scheduler's resource filter uses. Affinity, topology spread and ports are
 * not simulated: a pod that passes here may still stay Pending, and then the next tick scales up.
 */
public final class FitCheck {
    private FitCheck() {
    }

    /** The first pod (largest first) that finds no room, or null when all fit. */
    public static PodView firstUnplaced(List<PodView> movingPods, List<NodeView> targets, List<PodView> allPods) {
        Map<String, long[]> free = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (NodeView target : targets) {
            free.put(target.name(), new long[] {target.allocatableCpuMillis(), target.allocatableMemoryBytes()});
            order.add(target.name());
        }
        for (PodView pod : allPods) {
            long[] room = pod.nodeName() == null ? null : free.get(pod.nodeName());
            if (room != null && pod.occupiesNode()) {
                room[0] -= pod.cpuMillis();
                room[1] -= pod.memoryBytes();
            }
        }
        List<PodView> largestFirst = movingPods.stream()
                .sorted(Comparator.comparingLong(PodView::cpuMillis).thenComparingLong(PodView::memoryBytes).reversed()
                        .thenComparing(PodView::qualifiedName))
                .toList();
        for (PodView pod : largestFirst) {
            long[] room = order.stream().map(free::get)
                    .filter(r -> r[0] >= pod.cpuMillis() && r[1] >= pod.memoryBytes())
                    .findFirst().orElse(null);
            if (room == null) {
                return pod;
            }
            room[0] -= pod.cpuMillis();
            room[1] -= pod.memoryBytes();
        }
        return null;
    }
}
