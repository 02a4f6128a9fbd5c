package dev.k3sautoscaler.core.lifecycle;

import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Kind;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.PendingLaunch;
import java.util.ArrayList;
import java.util.List;

/**
 * What one reconcile does and what the fleet then is.
 *
 * @param actions              every action, terminations and Node deletions first
 * @param addPendingLaunches   adopted instances, recorded as launches in flight
 * @param clearPendingLaunches launches no longer in flight (joined, never joined, gone)
 * @param fleet                the fleet once the plan is carried out (for Decide's MAX_WORKERS)
 * @param fleetAsObserved      the fleet as observed, for a run that only observes
 * @param billed               how many instances {@code fleet} bills, and {@code readyWorkers} how many worker Nodes are Ready
 */
public record ReconcilePlan(List<ReconcileAction> actions, List<PendingLaunch> addPendingLaunches,
                            List<String> clearPendingLaunches, FleetView fleet, FleetView fleetAsObserved,
                            int billed, int readyWorkers) {

    public ReconcilePlan {
        actions = List.copyOf(actions);
        addPendingLaunches = List.copyOf(addPendingLaunches);
        clearPendingLaunches = List.copyOf(clearPendingLaunches);
    }

    public List<String> instancesToTerminate() {
        return targets(Kind.TERMINATE_INSTANCE);
    }

    public List<String> nodesToDelete() {
        return targets(Kind.DELETE_NODE);
    }

    /** The state's pending launches change: RecordOutcome must write. */
    public boolean stateChanges() {
        return !addPendingLaunches.isEmpty() || !clearPendingLaunches.isEmpty();
    }

    public boolean nothingToDo() {
        return actions.isEmpty();
    }

    /** "nothing to reconcile: 3 billed, 3 Ready", or "reconciled: terminated i-1; adopted i-2; 3 billed, 2 Ready". */
    public String summary() {
        String counts = billed + " billed, " + readyWorkers + " Ready";
        return nothingToDo() ? "nothing to reconcile: " + counts : "reconciled: " + listed() + "; " + counts;
    }

    /** The same for a run that only observes: what it would have done, and that it did nothing. */
    public String observedOnlySummary() {
        String counts = billed + " billed, " + readyWorkers + " Ready";
        return nothingToDo() ? "nothing to reconcile: " + counts
                : "observed only, nothing changed; would have " + listed() + "; " + counts;
    }

    private String listed() {
        List<String> parts = new ArrayList<>();
        part(parts, "terminated", Kind.TERMINATE_INSTANCE);
        part(parts, "deleted Node", Kind.DELETE_NODE);
        part(parts, "adopted", Kind.ADOPT_LAUNCH);
        part(parts, "cleared", Kind.CLEAR_LAUNCH);
        part(parts, "held back the termination of", Kind.HOLD_TERMINATION);
        part(parts, "uncordoned", Kind.RELEASE_CLAIM);
        return String.join("; ", parts);
    }

    private void part(List<String> parts, String label, Kind kind) {
        List<String> targets = targets(kind);
        if (!targets.isEmpty()) {
            parts.add(label + " " + String.join(", ", targets));
        }
    }

    private List<String> targets(Kind kind) {
        return actions.stream().filter(a -> a.kind() == kind).map(ReconcileAction::target).toList();
    }
}
