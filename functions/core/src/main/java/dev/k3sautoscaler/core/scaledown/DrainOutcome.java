package dev.k3sautoscaler.core.scaledown;

import java.time.Duration;
import java.util.List;

/**
 * How one drain pass ended, as facts with a stable {@link Code}; {@link ScaleDownWording} words it.
 * A pass that leaves pods on the node at the drain's deadline is {@link DeadlineReached}, never a
 * drained node.
 */
public sealed interface DrainOutcome {

    Code code();

    enum Code { EMPTY, PODS_REMAIN, DEADLINE_REACHED, PREEMPTED_BY_CLAIM, NODE_DELETED, NEEDED_AGAIN }

    /**
     * What a pass did with the pods it had to move.
     *
     * @param evicted      evictions accepted this pass
     * @param blockedByPdb evictions a PodDisruptionBudget refused (429)
     * @param blockedByRule pods the rules keep, described ("db/pg-0 (StatefulSet pod)")
     * @param terminating  pods already leaving
     * @param failed       evictions that failed otherwise, described
     * @param notReached   pods left for the next pass when {@code passBudget} was spent
     * @param cordoned     the node was unschedulable (pods cannot land on it meanwhile)
     */
    record Progress(List<String> evicted, List<String> blockedByPdb, List<String> blockedByRule,
                    List<String> terminating, List<String> failed, int notReached, Duration passBudget,
                    boolean cordoned) {
        public Progress {
            evicted = List.copyOf(evicted);
            blockedByPdb = List.copyOf(blockedByPdb);
            blockedByRule = List.copyOf(blockedByRule);
            terminating = List.copyOf(terminating);
            failed = List.copyOf(failed);
        }

        /** Pods still on the node that must leave before it can be removed. */
        public int remaining() {
            return evicted.size() + blockedByPdb.size() + blockedByRule.size() + terminating.size() + failed.size()
                    + notReached;
        }
    }

    /** @param skipped DaemonSet, mirror and finished pods, which go with the node */
    record Empty(String node, int skipped) implements DrainOutcome {
        public Code code() { return Code.EMPTY; }
    }

    record PodsRemain(String node, Progress progress) implements DrainOutcome {
        public Code code() { return Code.PODS_REMAIN; }
    }

    /** @param budget DRAIN_TIMEOUT_SEC, or SPOT_DRAIN_BUDGET_SEC for an interruption */
    record DeadlineReached(String node, Progress progress, Duration budget) implements DrainOutcome {
        public Code code() { return Code.DEADLINE_REACHED; }
    }

    /** A drain of higher rank owns the node now: this one stops without uncordoning it. */
    record PreemptedByClaim(String node, DrainPurpose claim, DrainPurpose purpose) implements DrainOutcome {
        public Code code() { return Code.PREEMPTED_BY_CLAIM; }
    }

    /** @param node the node as the workflow named it (name, instance id, or both) */
    record NodeDeleted(String node, DrainPurpose purpose) implements DrainOutcome {
        public Code code() { return Code.NODE_DELETED; }
    }

    /** @param waiting a pod that waits unscheduled and fits on no other schedulable worker, only on {@code node} */
    record NeededAgain(String node, PodView waiting, DrainPurpose purpose) implements DrainOutcome {
        public Code code() { return Code.NEEDED_AGAIN; }
    }
}
