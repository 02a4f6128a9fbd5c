package dev.k3sautoscaler.core.lifecycle;

import java.util.List;

/**
 * What one reconcile did (or, observing only, would have done) and the fleet's counts, as facts with
 * a stable {@link Code}; {@link LifecycleWording} words it as ReconcileWorkers' {@code reason}.
 */
public sealed interface ReconcileSummary {

    Code code();

    enum Code { NOTHING_TO_RECONCILE, RECONCILED, OBSERVED_ONLY }

    /** Instances the fleet bills. */
    int billed();

    /** Worker Nodes that are Ready. */
    int readyWorkers();

    record NothingToReconcile(int billed, int readyWorkers) implements ReconcileSummary {
        public Code code() { return Code.NOTHING_TO_RECONCILE; }
    }

    /** @param actions what was carried out, terminations and Node deletions first */
    record Reconciled(List<ReconcileAction> actions, int billed, int readyWorkers) implements ReconcileSummary {
        public Reconciled {
            actions = List.copyOf(actions);
        }

        public Code code() { return Code.RECONCILED; }
    }

    /** @param actions what a run that acts would have done; nothing was changed */
    record ObservedOnly(List<ReconcileAction> actions, int billed, int readyWorkers) implements ReconcileSummary {
        public ObservedOnly {
            actions = List.copyOf(actions);
        }

        public Code code() { return Code.OBSERVED_ONLY; }
    }
}
