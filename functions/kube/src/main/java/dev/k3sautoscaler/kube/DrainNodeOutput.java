package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.DrainOutcome;
import dev.k3sautoscaler.core.scaledown.ScaleDownWording;
import java.util.List;

/**
 * One drain pass.
 *
 * @param evicted       evictions accepted this pass (the pods are now terminating)
 * @param gone          pods that vanished before or during their eviction
 * @param blockedByPdb  evictions refused with 429: a PodDisruptionBudget allows no disruption now
 * @param blockedByRule pods the rules keep (e.g. {@code ns/pod (StatefulSet pod)}); never evicted outside interruption mode
 * @param terminating   pods already leaving (deletionTimestamp set), waited for
 * @param failed        evictions that failed otherwise, with the reason; the node is not reported empty
 * @param skipped       DaemonSet, mirror and finished pods, which go with the node
 * @param remaining     pods still on the node that must leave before it can be removed
 * @param empty         remaining == 0: the node may be terminated
 * @param deadlinePassed not empty, and the drain started (input {@code startedAt}) longer ago than its timeout
 * @param preempted     a drain of higher rank owns the node now (a Spot interruption took it over, or
 *                      deleted it): this drain stops, changes nothing more, and is not a failure
 * @param neededAgain   capacity was lost meanwhile and pods wait for room only this node has: the
 *                      drain stops and gives the node back before anything irreversible
 * @param reason        how the pass ended, in words ({@code ScaleDownWording}); the workflow records it
 * @param outcome       how the pass ended, as a code: EMPTY, PODS_REMAIN, DEADLINE_REACHED, ...
 */
public record DrainNodeOutput(String nodeName, String instanceId, List<String> evicted, List<String> gone,
                              List<String> blockedByPdb, List<String> blockedByRule, List<String> terminating,
                              List<String> failed, int skipped, int remaining, boolean empty,
                              boolean deadlinePassed, boolean preempted, boolean neededAgain, String reason,
                              DrainOutcome.Code outcome) {

    /** Stopped before evicting: a drain of higher rank owns the node (or deleted it), or pods need it again. */
    static DrainNodeOutput stoppedBeforeEvicting(String nodeName, String instanceId, DrainOutcome outcome) {
        boolean neededAgain = outcome.code() == DrainOutcome.Code.NEEDED_AGAIN;
        return new DrainNodeOutput(nodeName, instanceId, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), 0, 0, false, false, !neededAgain, neededAgain, ScaleDownWording.drain(outcome),
                outcome.code());
    }
}
