package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.scaledown.Rejection;
import java.util.List;

/**
 * What SelectScaleDownTarget found.
 *
 * @param chosen      the first node to remove, null when {@code found} is false
 * @param nodes       every node to remove, side by side (one for a force-scale-down or a rebalance)
 * @param unremovable the policy's candidates that turned out unremovable (a blocking pod, pods with no place
 *                    to go): passed over until their {@code until}, so an unmovable node does not start an
 *                    actuation every tick
 */
public record SelectScaleDownTargetOutput(boolean found, ChosenNode chosen, List<ChosenNode> nodes,
                                          List<RejectedNode> rejected, List<BlockedNode> unremovable, String reason) {
    public SelectScaleDownTargetOutput {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        unremovable = unremovable == null ? List.of() : List.copyOf(unremovable);
    }

    static SelectScaleDownTargetOutput none(List<Rejection> rejected, List<BlockedNode> unremovable, String reason) {
        return new SelectScaleDownTargetOutput(false, null, List.of(), RejectedNode.of(rejected), unremovable, reason);
    }

    static SelectScaleDownTargetOutput none(List<Rejection> rejected, String reason) {
        return none(rejected, List.of(), reason);
    }
}
