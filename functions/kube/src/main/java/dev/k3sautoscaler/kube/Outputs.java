package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.lifecycle.NodeReadiness;
import dev.k3sautoscaler.core.scaledown.DrainOutcome;
import dev.k3sautoscaler.core.scaledown.Rejection;
import dev.k3sautoscaler.core.scaledown.RejectionReason;
import dev.k3sautoscaler.core.scaledown.ScaleDownWording;
import java.util.List;

/** The step output records: what an operator reads in the console, and what the ASL Choice states test. */
public final class Outputs {
    private Outputs() {
    }

    public enum JoinStatus {
        /** The node registered and its Ready condition is True. */
        READY,
        /** The node registered but is not Ready yet (CNI starting, image pulls). */
        NOT_READY,
        /** No Node carries this instance's providerID yet. */
        MISSING
    }

    /**
     * One launched instance: its node (when registered) and why it is not Ready yet.
     *
     * @param readiness READY, JOINING (not Ready since it registered) or NOT_READY (lost after being Ready);
     *                  null when no node registered
     */
    public record InstanceJoin(String instanceId, JoinStatus status, String nodeName, String detail,
                               NodeReadiness.Code readiness) {
    }

    /**
     * @param overdue instances still not Ready JOIN_TIMEOUT_SEC after launchedAt (empty without launchedAt)
     */
    public record CheckJoinOutput(List<InstanceJoin> instances, List<String> ready, List<String> notReady,
                                  List<String> missing, List<String> overdue, boolean allReady, String reason) {
    }

    /** @param purpose whose drain claim the cordon takes: {@code scale-down} or {@code rebalance} */
    public record ChosenNode(String name, String instanceId, int evictablePods, String purpose) {
    }

    /** A node not chosen: why in words for the console, and the reason's code. */
    public record RejectedNode(String node, String rejectedBecause, RejectionReason.Code code) {
        static List<RejectedNode> of(List<Rejection> rejections) {
            return rejections.stream().map(r -> new RejectedNode(r.node(), r.rejectedBecause(), r.code())).toList();
        }
    }

    /** @param chosen null when {@code found} is false */
    public record SelectScaleDownTargetOutput(boolean found, ChosenNode chosen, List<RejectedNode> rejected,
                                              String reason) {
        static SelectScaleDownTargetOutput none(List<Rejection> rejected, String reason) {
            return new SelectScaleDownTargetOutput(false, null, RejectedNode.of(rejected), reason);
        }
    }

    /**
     * @param claimedAt when this purpose's claim on the node began (now, or when an earlier attempt took
     *                  it): the drain's DRAIN_TIMEOUT_SEC counts from here; null when another drain owns it
     */
    public record CordonNodeOutput(String nodeName, String instanceId, boolean alreadyCordoned, String reason,
                                   java.time.Instant claimedAt) {
    }

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

    /** @param found false when the node no longer exists (nothing to undo) */
    public record UncordonNodeOutput(String nodeName, boolean found, boolean changed, String reason) {
    }

    public record DeleteNodeOutput(String nodeName, boolean deleted, boolean alreadyGone, String reason) {
    }
}
