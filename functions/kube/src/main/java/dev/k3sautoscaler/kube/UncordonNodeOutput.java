package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.NodeOperationWording;
import dev.k3sautoscaler.core.scaledown.UncordonOutcome;

/**
 * @param found   false when the node no longer exists (nothing to undo)
 * @param reason  what the uncordon did, in words ({@code NodeOperationWording})
 * @param outcome what the uncordon did, as a code: UNCORDONED, NODE_GONE, NOT_OURS, CLAIMED_BY_OTHER
 */
public record UncordonNodeOutput(String nodeName, boolean found, boolean changed, String reason,
                                 UncordonOutcome.Code outcome) {

    static UncordonNodeOutput of(String nodeName, UncordonOutcome outcome) {
        return new UncordonNodeOutput(nodeName, outcome.code() != UncordonOutcome.Code.NODE_GONE,
                outcome.code() == UncordonOutcome.Code.UNCORDONED, NodeOperationWording.uncordon(outcome), outcome.code());
    }
}
