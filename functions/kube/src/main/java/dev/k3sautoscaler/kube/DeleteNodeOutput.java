package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.DeleteOutcome;
import dev.k3sautoscaler.core.scaledown.NodeOperationWording;

/**
 * @param reason  what the delete did, in words ({@code NodeOperationWording})
 * @param outcome what the delete did, as a code: DELETED, ALREADY_GONE, GONE_WHILE_DELETING
 */
public record DeleteNodeOutput(String nodeName, boolean deleted, boolean alreadyGone, String reason,
                               DeleteOutcome.Code outcome) {

    static DeleteNodeOutput of(String nodeName, DeleteOutcome outcome) {
        boolean deleted = outcome.code() == DeleteOutcome.Code.DELETED;
        return new DeleteNodeOutput(nodeName, deleted, !deleted, NodeOperationWording.delete(outcome), outcome.code());
    }
}
