package dev.k3sautoscaler.core.scaledown;

/**
 * The one place the outcomes of CordonNode, UncordonNode and DeleteNode become words: their steps'
 * {@code reason}, which the workflow records.
 */
public final class NodeOperationWording {

    private NodeOperationWording() {
    }

    public static String cordon(CordonOutcome outcome) {
        return switch (outcome) {
            case CordonOutcome.Cordoned o -> "cordoned " + o.node() + " for " + o.purpose().value()
                    + " (spec.unschedulable=true, taint " + NodeLabels.DRAINING_TAINT + ":NoSchedule)"
                    + (o.wasUnschedulable() ? "; it was already unschedulable, so UncordonNode will leave it cordoned" : "");
            case CordonOutcome.AlreadyCordoned o ->
                    o.node() + " was already cordoned for " + o.purpose().value() + ": nothing to do";
            case CordonOutcome.TookOver o -> "took " + o.node() + " over from its " + o.from().value() + " drain for "
                    + o.purpose().value() + "; that drain stops as preempted";
            case CordonOutcome.LeftToHigherClaim o -> o.node() + " is claimed by a " + o.claim().value()
                    + " drain, which outranks " + o.purpose().value() + ": left to it";
        };
    }

    public static String uncordon(UncordonOutcome outcome) {
        return switch (outcome) {
            case UncordonOutcome.Uncordoned o -> "uncordoned " + o.node() + ": removed taint " + NodeLabels.DRAINING_TAINT
                    + (o.wasOurCordon() ? " and set spec.unschedulable=false"
                    : "; spec.unschedulable left true (it was cordoned before us)");
            case UncordonOutcome.NodeGone o -> o.node() + " no longer exists: nothing to uncordon";
            case UncordonOutcome.NotOurs o -> o.node() + " carries no cordon of ours: left as it is";
            case UncordonOutcome.ClaimedByOther o ->
                    o.node() + " is claimed by a " + o.claim().value() + " drain now: left cordoned for it";
        };
    }

    public static String delete(DeleteOutcome outcome) {
        return switch (outcome) {
            case DeleteOutcome.Deleted o -> "deleted Node " + o.node() + " (K3s has no cloud controller to do it)";
            case DeleteOutcome.AlreadyGone o -> o.node() + " is already gone";
            case DeleteOutcome.GoneWhileDeleting o -> o.node() + " was already gone";
        };
    }
}
