package dev.k3sautoscaler.core.scaledown;

import static dev.k3sautoscaler.core.words.Words.agree;
import static dev.k3sautoscaler.core.words.Words.plural;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place the scale-down family becomes words: why a node was not chosen, what a pod's rule
 * is, the SelectScaleDownTarget line, and how a drain pass ended (DrainNode's {@code reason}, which
 * the workflow records and notifies).
 */
public final class ScaleDownWording {
    /** How many blocking pods a rejection names; the rest are counted, so the console line stays readable. */
    static final int NAMED_BLOCKERS = 3;
    private static final long MIB = 1024 * 1024;

    private ScaleDownWording() {
    }

    public static String rejection(RejectionReason reason) {
        return switch (reason) {
            case RejectionReason.NodeRule r -> switch (r.code()) {
                case CONTROL_PLANE -> "control-plane node: never removed";
                case NOT_MANAGED -> "not autoscaler-managed (no " + NodeLabels.MANAGED + "=true label)";
                case NO_PROVIDER_ID -> "no aws:/// providerID: its EC2 instance is unknown";
                case SCALE_DOWN_DISABLED -> NodeLabels.SCALE_DOWN_DISABLED + "=true";
                case DELETING -> "already being deleted";
                case CORDONED_BY_SOMEONE_ELSE -> "cordoned by someone else (no " + NodeLabels.DRAINING_TAINT + " taint)";
                default -> throw new IllegalStateException(r.code() + " is not a node rule");
            };
            case RejectionReason.OwnershipUnknown r -> "EC2 could not be read (" + r.why() + "), so whether "
                    + r.instanceId() + " is our worker is unknown";
            case RejectionReason.NotOursInEc2 r -> "instance " + r.instanceId() + " is not a running managed worker"
                    + " of this cluster in EC2 (tags k3s-autoscaler/cluster and k3s-autoscaler/managed; never the"
                    + " master): the Node's label alone proves nothing";
            case RejectionReason.DrainingForOther r -> "being drained for " + r.claim().value();
            case RejectionReason.PassedOver r -> "passed over after a scale-down that could not finish: " + r.why();
            case RejectionReason.BlockingPods r -> {
                String named = r.blocking().stream().limit(NAMED_BLOCKERS).map(PodVerdict::describe)
                        .collect(Collectors.joining(", "));
                int more = r.blocking().size() - NAMED_BLOCKERS;
                yield "blocking pods: " + named + (more > 0 ? " and " + more + " more" : "");
            }
            case RejectionReason.PodsWouldNotFit r -> "its pods would not all find a place on the other workers: "
                    + r.unplaced().qualifiedName() + " (" + r.unplaced().cpuMillis() + "m CPU, "
                    + r.unplaced().memoryBytes() / MIB + "Mi memory) fits no node by requests, selectors, affinity and taints";
            case RejectionReason.ConstraintNotModelled r -> "its pod " + r.pod().qualifiedName() + " has a scheduling"
                    + " constraint the fit check does not model (" + r.constraint() + "): kept rather than guess where it goes";
            case RejectionReason.NotPreferred r -> "eligible, but " + r.preferred() + " is preferred ("
                    + plural(r.evictable(), "evictable pod") + " vs " + r.preferredEvictable()
                    + "; ties go to the oldest node)";
        };
    }

    public static String rule(PodVerdict verdict) {
        PodView pod = verdict.pod();
        return switch (verdict.rule()) {
            case MIRROR -> "mirror pod: owned by the kubelet";
            case DAEMON_SET -> "DaemonSet pod: runs on every node";
            case FINISHED -> "finished (" + pod.phase() + ")";
            case SAFE_TO_EVICT_FALSE -> NodeLabels.SAFE_TO_EVICT + "=false";
            case DO_NOT_DISRUPT -> NodeLabels.DO_NOT_DISRUPT + "=true";
            case SAFE_TO_EVICT_TRUE -> NodeLabels.SAFE_TO_EVICT + "=true";
            case NO_CONTROLLER -> "no controller: nothing would recreate it";
            case STATEFUL_SET -> "StatefulSet pod";
            case KUBE_SYSTEM -> "kube-system pod that is not a DaemonSet";
            case CONTROLLED -> "owned by " + pod.ownerKind();
        };
    }

    /**
     * SelectScaleDownTarget's line for a chosen node.
     *
     * @param asked how the node was asked for: "requested by name", a purpose such as "rebalance", or
     *              null for the plain scale-down, which counts the workers passed over
     */
    public static String chosen(ScaleDownChoice.Chosen chosen, String asked) {
        long others = chosen.rejected().stream().filter(Rejection::ofAWorker).count();
        return "remove " + chosen.node().name() + " (" + chosen.node().instanceId() + "): "
                + plural(chosen.evictable().size(), "pod") + " to evict, all fit on the other workers"
                + (asked != null ? " (" + asked + ")" : "; " + plural(others, "other worker") + " not chosen");
    }

    /** "remove w-3, w-7 (empty) and w-2 (4 pods to evict); w-5: …" */
    public static String chosenSeveral(ScaleDownChoice.Several several) {
        String removed = several.removals().stream()
                .map(r -> r.node().name() + " (" + (r.empty() ? "empty" : plural(r.evictable().size(), "pod") + " to evict")
                        + ")")
                .collect(Collectors.joining(", "));
        return "remove " + removed + ": every pod fits on the workers that stay"
                + (several.rejected().isEmpty() ? "" : "; not removed: " + several.rejected().stream()
                .map(r -> r.node() + ": " + r.rejectedBecause()).collect(Collectors.joining("; ")));
    }

    public static String noCandidate(ScaleDownChoice.NoCandidate none) {
        return "no node can be removed safely: " + none.rejected().stream()
                .map(r -> r.node() + ": " + r.rejectedBecause()).collect(Collectors.joining("; "));
    }

    public static String noSuchNode(String name) {
        return "node " + name + " does not exist";
    }

    public static String noNodeOn(String instanceId) {
        return "no Node runs on " + instanceId;
    }

    public static String drain(DrainOutcome outcome) {
        return switch (outcome) {
            case DrainOutcome.Empty e -> e.node() + " is empty" + (e.skipped() > 0
                    ? " (" + agree(e.skipped(), "DaemonSet/mirror/finished pod", "goes") + " with it)" : "");
            case DrainOutcome.PodsRemain r -> r.node() + ": " + agree(r.progress().remaining(), "pod", "remains")
                    + progress(r.progress());
            case DrainOutcome.DeadlineReached d -> d.node() + ": deadline reached with "
                    + plural(d.progress().remaining(), "pod") + " left (drain budget " + d.budget().toSeconds() + " s)"
                    + progress(d.progress());
            case DrainOutcome.PreemptedByClaim p -> "preempted by " + (p.claim().interruption() ? "Spot interruption"
                    : "a " + p.claim().value() + " drain") + ": its drain owns " + p.node() + " now; this "
                    + p.purpose().value() + " stops without uncordoning it";
            case DrainOutcome.NodeDeleted d -> "preempted by Spot interruption (or an operator): " + d.node()
                    + " was deleted during the " + d.purpose().value() + " drain; nothing more to do here, and the"
                    + " reconcile terminates its instance if EC2 does not";
            case DrainOutcome.NeededAgain n -> "capacity lost meanwhile: " + n.waiting().qualifiedName() + " ("
                    + n.waiting().cpuMillis() + "m CPU, " + n.waiting().memoryBytes() / MIB + "Mi) waits unscheduled"
                    + " and fits on no other schedulable worker, only on " + n.node() + "; the " + n.purpose().value()
                    + " stops and gives " + n.node() + " back";
        };
    }

    private static String progress(DrainOutcome.Progress p) {
        return (p.cordoned() ? "" : " (warning: not cordoned, so new pods may land here; CordonNode comes first)")
                + part("evicted now", p.evicted())
                + part("blocked by a PodDisruptionBudget (429), retried next pass", p.blockedByPdb())
                + part("kept by rules", p.blockedByRule()) + part("terminating", p.terminating())
                + part("failed", p.failed())
                + (p.notReached() > 0 ? "; " + p.notReached() + " not reached in this pass's "
                + p.passBudget().toSeconds() + " s budget" : "");
    }

    private static String part(String label, List<String> items) {
        return items.isEmpty() ? "" : "; " + label + ": " + String.join(", ", items);
    }
}
