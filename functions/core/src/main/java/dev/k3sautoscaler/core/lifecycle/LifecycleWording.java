package dev.k3sautoscaler.core.lifecycle;

import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Kind;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place the lifecycle steps' reasons become words: IdentifyEventInstance's verdict, each
 * reconcile action, and ReconcileWorkers' summary line.
 */
public final class LifecycleWording {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private LifecycleWording() {
    }

    /** e.g. "i-0abc belongs to cluster blue (k3s-autoscaler/cluster=blue), not to demo". */
    public static String verdict(EventInstanceVerdict verdict) {
        ObservedInstance instance = verdict.instance();
        String id = instance.instanceId();
        return switch (verdict.kind()) {
            case OURS -> id + " is a worker of cluster " + verdict.clusterId() + " (" + instance.state().ec2Name() + ")";
            case UNKNOWN_INSTANCE -> "EC2 knows no instance " + id + " in this account and region";
            case OTHER_CLUSTER -> id + " belongs to cluster " + instance.clusterTag() + " (k3s-autoscaler/cluster="
                    + instance.clusterTag() + "), not to " + verdict.clusterId();
            case MASTER -> id + " is a K3s master (k3s-autoscaler/role=master): the autoscaler never drains it";
            case NOT_MANAGED -> id + (instance.clusterTag() == null ? " has no k3s-autoscaler/cluster tag"
                    : " is not tagged k3s-autoscaler/managed=true") + ": not a worker the autoscaler launched";
            case ALREADY_TERMINATED -> id + " is already terminated: nothing left to drain (the reconcile deletes its Node)";
        };
    }

    /** e.g. "terminated i-0abc: launched 10:02:11, no Ready Node after JOIN_TIMEOUT_SEC=600 s". */
    public static String action(ReconcileAction action) {
        String target = action.target();
        String verb = switch (action.kind()) {
            case TERMINATE_INSTANCE -> "terminated " + target;
            case DELETE_NODE -> "deleted Node " + target;
            case ADOPT_LAUNCH -> "adopted " + target + " as a pending launch";
            case CLEAR_LAUNCH -> "cleared pending launch " + target;
            case HOLD_TERMINATION -> "left " + target + " running (too many workers without a Ready Node at once:"
                    + " a cluster-wide fault, not lost machines)";
            case RELEASE_CLAIM -> "uncordoned Node " + target;
        };
        String timeout = "JOIN_TIMEOUT_SEC=" + action.joinTimeout().toSeconds() + " s";
        InstanceState state = action.instanceState();
        String counterpart = action.counterpart();
        String why = switch (action.reason()) {
            case JOINED -> "joined as Node " + counterpart + " (Ready)";
            case NEVER_JOINED -> "launched " + at(action.since()) + ", no Ready Node after " + timeout
                    + (state != null && action.kind() == Kind.CLEAR_LAUNCH && !state.alive()
                    ? " (the instance is " + state.ec2Name() + ")" : "");
            case LAUNCH_GONE -> state == InstanceState.NOT_FOUND
                    ? "unknown to EC2 " + timeout + " after its launch at " + at(action.since())
                    : "EC2 reports it " + state.ec2Name();
            case UNTRACKED_LAUNCH -> "launched " + at(action.since()) + " but recorded nowhere (a crash before RecordLaunch)";
            case NO_NODE -> "launched " + at(action.since()) + ", recorded nowhere and no Node after " + timeout;
            case NODE_NOT_READY -> "its Node " + counterpart + " NotReady since " + at(action.since()) + ", past " + timeout;
            case INSTANCE_GONE -> "NotReady and its instance " + counterpart + " is "
                    + (state == InstanceState.NOT_FOUND ? "unknown to EC2" : state.ec2Name());
            case STALE_DRAIN_CLAIM -> "cordoned for a drain at " + at(action.since()) + " that no execution owns any more"
                    + " (its lease was lost mid-drain)";
            case DRAINED_NOT_TERMINATED -> (action.kind() == Kind.DELETE_NODE ? "its instance " : "its Node ") + counterpart
                    + " was drained by a scale-down at " + at(action.since()) + " and left cordoned: the termination that"
                    + " should have followed failed";
        };
        return verb + ": " + why;
    }

    /** "nothing to reconcile: 3 billed, 3 Ready", or "reconciled: terminated i-1; adopted i-2; 3 billed, 2 Ready". */
    public static String summary(ReconcileSummary summary) {
        String counts = summary.billed() + " billed, " + summary.readyWorkers() + " Ready";
        return switch (summary) {
            case ReconcileSummary.NothingToReconcile s -> "nothing to reconcile: " + counts;
            case ReconcileSummary.Reconciled s -> "reconciled: " + listed(s.actions()) + "; " + counts;
            case ReconcileSummary.ObservedOnly s ->
                    "observed only, nothing changed; would have " + listed(s.actions()) + "; " + counts;
        };
    }

    private static String listed(List<ReconcileAction> actions) {
        List<String> parts = new ArrayList<>();
        part(parts, actions, "terminated", Kind.TERMINATE_INSTANCE);
        part(parts, actions, "deleted Node", Kind.DELETE_NODE);
        part(parts, actions, "adopted", Kind.ADOPT_LAUNCH);
        part(parts, actions, "cleared", Kind.CLEAR_LAUNCH);
        part(parts, actions, "held back the termination of", Kind.HOLD_TERMINATION);
        part(parts, actions, "uncordoned", Kind.RELEASE_CLAIM);
        return String.join("; ", parts);
    }

    private static void part(List<String> parts, List<ReconcileAction> actions, String label, Kind kind) {
        List<String> targets = actions.stream().filter(a -> a.kind() == kind).map(ReconcileAction::target).toList();
        if (!targets.isEmpty()) {
            parts.add(label + " " + String.join(", ", targets));
        }
    }

    private static String at(Instant instant) {
        return instant == null ? "(unknown)" : CLOCK.format(instant);
    }
}
