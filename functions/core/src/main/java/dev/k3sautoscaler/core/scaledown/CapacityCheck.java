package dev.k3sautoscaler.core.scaledown;

import java.util.List;
import java.util.Optional;

/**
 * Before a scale-down's irreversible steps: is the node it drains still spare? The choice was made
 * on the cluster as it was; since then another worker may have been lost (a Spot interruption, a
 * failed kubelet). Pods waiting unscheduled that find no room on the other schedulable nodes, but
 * would on this one, mean its capacity is needed again: the scale-down gives it back.
 */
public final class CapacityCheck {
    private CapacityCheck() {
    }

    /**
     * @param draining the node being drained
     * @param nodes    every node of the cluster
     * @param pods     every pod of the cluster (bound pods occupy their nodes; unbound Pending ones wait)
     * @return the pod that waits for room only this node has, or empty while the rest of the cluster holds what waits
     */
    public static Optional<PodView> neededAgain(NodeView draining, List<NodeView> nodes, List<PodView> pods) {
        List<PodView> waiting = pods.stream().filter(CapacityCheck::waitsForANode).toList();
        if (waiting.isEmpty()) {
            return Optional.empty();
        }
        List<NodeView> others = nodes.stream()
                .filter(n -> !n.name().equals(draining.name()) && n.targetForMovedPods()).toList();
        // A pod whose constraints cannot be modelled proves no need for this node: the drain goes on, the tick scales up.
        if (!(FitSimulation.place(waiting, others, pods) instanceof FitSimulation.Outcome.NoPlace(PodView unplaced))) {
            return Optional.empty();
        }
        if (!(FitSimulation.place(List.of(unplaced), List.of(draining.asIfUnclaimed()), pods)
                instanceof FitSimulation.Outcome.AllPlaced)) {
            // This node could not hold it either (too large, or it is full): a scale-up is the answer, not this node.
            return Optional.empty();
        }
        return Optional.of(unplaced);
    }

    /** Pending, not bound, not leaving, and not a DaemonSet pod (those follow their node, not free room). */
    public static boolean waitsForANode(PodView pod) {
        return pod.nodeName() == null && "Pending".equals(pod.phase()) && !pod.terminating() && !pod.isDaemonSet();
    }
}
