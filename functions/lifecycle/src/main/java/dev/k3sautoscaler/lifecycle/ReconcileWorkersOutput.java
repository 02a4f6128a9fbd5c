package dev.k3sautoscaler.lifecycle;

import dev.k3sautoscaler.core.lifecycle.LifecycleWording;
import dev.k3sautoscaler.core.lifecycle.ReconcileAction;
import dev.k3sautoscaler.core.lifecycle.ReconcileSummary;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.state.Outcome;
import java.util.List;

/**
 * @param fleet        what EC2 bills after this step (Decide's MAX_WORKERS reads it)
 * @param actions      what was done (or, with {@code act=false}, what would have been)
 * @param recordNeeded the outcome must be recorded: pending launches changed, or an instance or Node went
 * @param outcome      a RECONCILE outcome ready for RecordOutcome (no lease); present exactly when {@code recordNeeded}
 * @param reason       one line: "nothing to reconcile: 3 billed, 3 Ready", "reconciled: …" ({@code LifecycleWording})
 * @param reasonCode   the same as a code: NOTHING_TO_RECONCILE, RECONCILED or OBSERVED_ONLY
 */
public record ReconcileWorkersOutput(FleetView fleet, List<Action> actions, boolean recordNeeded, Outcome outcome,
                                     String reason, ReconcileSummary.Code reasonCode) {

    /**
     * @param kind   TERMINATE_INSTANCE, DELETE_NODE, ADOPT_LAUNCH, CLEAR_LAUNCH
     * @param target an instance id, or a Node name
     * @param reason the rule's code (NEVER_JOINED, INSTANCE_GONE, …)
     * @param text   the same in words
     */
    public record Action(String kind, String target, String reason, String text) {
        static Action of(ReconcileAction action) {
            return new Action(action.kind().name(), action.target(), action.reason().name(), LifecycleWording.action(action));
        }
    }
}
