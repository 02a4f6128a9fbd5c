package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.Rejection;
import java.util.List;

/** @param chosen null when {@code found} is false */
public record SelectScaleDownTargetOutput(boolean found, ChosenNode chosen, List<RejectedNode> rejected,
                                          String reason) {
    static SelectScaleDownTargetOutput none(List<Rejection> rejected, String reason) {
        return new SelectScaleDownTargetOutput(false, null, RejectedNode.of(rejected), reason);
    }
}
