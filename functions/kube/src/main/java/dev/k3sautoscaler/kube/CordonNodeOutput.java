package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.CordonOutcome;
import dev.k3sautoscaler.core.scaledown.NodeOperationWording;
import java.time.Instant;

/**
 * @param reason    what the cordon did, in words ({@code NodeOperationWording})
 * @param claimedAt when this purpose's claim on the node began (now, or when an earlier attempt took
 *                  it): the drain's DRAIN_TIMEOUT_SEC counts from here; null when another drain owns it
 * @param outcome   what the cordon did, as a code: CORDONED, ALREADY_CORDONED, TOOK_OVER, LEFT_TO_HIGHER_CLAIM
 */
public record CordonNodeOutput(String nodeName, String instanceId, boolean alreadyCordoned, String reason,
                               Instant claimedAt, CordonOutcome.Code outcome) {

    static CordonNodeOutput of(String nodeName, String instanceId, boolean alreadyCordoned, CordonOutcome outcome,
                               Instant claimedAt) {
        return new CordonNodeOutput(nodeName, instanceId, alreadyCordoned, NodeOperationWording.cordon(outcome),
                claimedAt, outcome.code());
    }
}
