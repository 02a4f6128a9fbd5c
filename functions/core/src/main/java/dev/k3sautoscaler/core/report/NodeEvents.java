package dev.k3sautoscaler.core.report;

import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.core.words.Words;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The events the node steps write on a worker as they act on it; each note is the step's own line
 * (what the console shows) and, where the bill changes, what it saves.
 */
public final class NodeEvents {
    private NodeEvents() {
    }

    /** CordonNode took the node: a scale-down, a rebalance retirement or a Spot interruption starts. */
    public static ClusterEvent cordoned(String node, DrainPurpose purpose, String line, WorkerPrice price) {
        return switch (purpose) {
            case SPOT_INTERRUPTION -> ClusterEvent.onNode(node, "SpotInterruption", true, "Drain",
                    line + "; EC2 reclaims this Spot instance in 2 minutes: its pods are evicted first");
            case REBALANCE -> ClusterEvent.onNode(node, "ScaleDown", false, "Cordon",
                    line + "; EC2 recommended rebalancing, so this node is retired once its pods moved; "
                            + price.saves(1));
            case SCALE_DOWN -> ClusterEvent.onNode(node, "ScaleDown", false, "Cordon",
                    line + "; removing it " + price.saves(1));
        };
    }

    /**
     * A drain pass met PodDisruptionBudgets that allow no disruption now.
     *
     * @param budgets the refusing budget of each pod, where the API server named it
     */
    public static ClusterEvent drainBlocked(String node, List<String> pods, Map<String, String> budgets) {
        String which = pods.stream().limit(5).map(pod -> budgets.containsKey(pod)
                        ? pod + " (PodDisruptionBudget " + budgets.get(pod) + ")" : pod)
                .collect(Collectors.joining(", "));
        String find = pods.stream().allMatch(budgets::containsKey) ? "" : "; kubectl get pdb -n <namespace> shows the rest";
        return ClusterEvent.onNode(node, "DrainBlocked", true, "Drain", "eviction of "
                + Words.plural(pods.size(), "pod") + " refused: a PodDisruptionBudget allows no disruption now ("
                + which + find + "); the drain retries until its deadline, then gives the node back");
    }

    /** UncordonNode gave a node back: its scale-down or retirement did not finish. */
    public static ClusterEvent scaleDownFailed(String node, String line) {
        return ClusterEvent.onNode(node, "ScaleDownFailed", true, "Uncordon", line + "; the node keeps running");
    }

    /** DeleteNode removed the Node after its instance was terminated (or reclaimed). */
    public static ClusterEvent deleted(String node, DrainPurpose purpose, String line, WorkerPrice price) {
        return ClusterEvent.onNode(node, "ScaleDown", false, "Delete",
                purpose == DrainPurpose.SPOT_INTERRUPTION ? line : line + "; " + price.saves(1));
    }

    /** The reconcile repaired a difference between EC2 and the Nodes: on the Node it concerns. */
    public static ClusterEvent reconciled(String node, String line) {
        return ClusterEvent.onNode(node, "Reconciled", false, "Reconcile", line);
    }

    /** The reconcile terminated an instance that has no Node to tell: on the status ConfigMap. */
    public static ClusterEvent reconciledInstance(String line, WorkerPrice price) {
        return ClusterEvent.onStatus("Reconciled", true, "Terminate", line + "; " + price.saves(1));
    }
}
