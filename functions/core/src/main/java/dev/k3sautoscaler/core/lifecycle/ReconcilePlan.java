package dev.k3sautoscaler.core.lifecycle;

import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Kind;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.PendingLaunch;
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

    /** What the plan does, once carried out, and the counts after it. */
    public ReconcileSummary summary() {
        return nothingToDo() ? new ReconcileSummary.NothingToReconcile(billed, readyWorkers)
                : new ReconcileSummary.Reconciled(actions, billed, readyWorkers);
    }

    /** The same for a run that only observes: what it would have done, and that it did nothing. */
    public ReconcileSummary observedOnlySummary() {
        return nothingToDo() ? new ReconcileSummary.NothingToReconcile(billed, readyWorkers)
                : new ReconcileSummary.ObservedOnly(actions, billed, readyWorkers);
    }

    private List<String> targets(Kind kind) {
        return actions.stream().filter(a -> a.kind() == kind).map(ReconcileAction::target).toList();
    }
}
