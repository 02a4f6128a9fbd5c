package dev.k3sautoscaler.core.scaledown;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Would these pods find a place on the other nodes? First-fit decreasing by requests against each
 * node's free allocatable (allocatable minus the requests of the pods bound there — DaemonSet pods
 * included, which is the overhead every node carries), checking for each pod what the scheduler's
 * filters would: nodeSelector, required node affinity, taints against tolerations, and required
 * anti-affinity on the hostname (both ways: the moving pod's and the pods already there). A pod with
 * a constraint this does not model is not guessed about: the answer says so, and the node stays.
 */
public final class FitSimulation {
    private FitSimulation() {
    }

    /** How the pods fared. */
    public sealed interface Outcome {
        /** Every pod has a place. */
        record AllPlaced() implements Outcome {
        }

        /** The first pod, largest first, that no node takes. */
        record NoPlace(PodView pod) implements Outcome {
        }

        /** A pod whose scheduling constraint the simulation does not model. */
        record CannotModel(PodView pod, String constraint) implements Outcome {
        }
    }

    /**
     * @param moving  the pods to place (those that would be evicted)
     * @param targets the nodes they may go to (schedulable; taints are checked per pod)
     * @param allPods every pod of the cluster: those bound to a target occupy it
     */
    public static Outcome place(List<PodView> moving, List<NodeView> targets, List<PodView> allPods) {
        for (PodView pod : moving) {
            if (pod.placement().unmodelled() != null) {
                return new Outcome.CannotModel(pod, pod.placement().unmodelled());
            }
        }
        Map<String, long[]> free = new HashMap<>();
        Map<String, List<PodView>> residents = new HashMap<>();
        for (NodeView target : targets) {
            free.put(target.name(), new long[] {target.allocatableCpuMillis(), target.allocatableMemoryBytes()});
            residents.put(target.name(), new ArrayList<>());
        }
        for (PodView pod : allPods) {
            long[] room = pod.nodeName() == null ? null : free.get(pod.nodeName());
            if (room != null && pod.occupiesNode()) {
                room[0] -= pod.cpuMillis();
                room[1] -= pod.memoryBytes();
                residents.get(pod.nodeName()).add(pod);
            }
        }
        List<PodView> largestFirst = moving.stream()
                .sorted(Comparator.comparingLong(PodView::cpuMillis).thenComparingLong(PodView::memoryBytes).reversed()
                        .thenComparing(PodView::qualifiedName))
                .toList();
        for (PodView pod : largestFirst) {
            NodeView home = targets.stream().filter(target -> takes(target, pod, free.get(target.name()),
                    residents.get(target.name()))).findFirst().orElse(null);
            if (home == null) {
                return new Outcome.NoPlace(pod);
            }
            long[] room = free.get(home.name());
            room[0] -= pod.cpuMillis();
            room[1] -= pod.memoryBytes();
            residents.get(home.name()).add(pod);
        }
        return new Outcome.AllPlaced();
    }

    private static boolean takes(NodeView node, PodView pod, long[] room, List<PodView> residents) {
        return room[0] >= pod.cpuMillis() && room[1] >= pod.memoryBytes() && pod.placement().admits(node)
                && residents.stream().noneMatch(other -> pod.placement().repels(pod.namespace(), other)
                        || other.placement().repels(other.namespace(), pod));
    }
}
