package dev.k3sautoscaler.core.state;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One worker's part of a scale-down that removes several side by side: each element of the
 * actuation's Map ends with one, whatever happened to it, so one drain's trouble never hides the
 * others' results.
 *
 * @param reason what happened to this worker, in the operator's words
 * @param error  the error name when an error ended it, else null
 */
public record NodeRemoval(String node, String instanceId, Result result, String reason, String error) {

    public enum Result {
        /** Drained, terminated, its Node deleted. */
        REMOVED,
        /** The drain stopped and the node was given back (a PodDisruptionBudget, capacity needed again). */
        ABORTED,
        /** A Spot interruption took the node over. */
        PREEMPTED,
        /** An error ended it (the node was uncordoned where it could be). */
        FAILED,
        /** The execution's lease was taken meanwhile: it stopped before any further side effect. */
        LEASE_LOST
    }

    /** Null-safe: a removal as the JSON may bring it, missing fields and all. */
    static boolean complete(NodeRemoval removal) {
        return removal != null && removal.node() != null && !removal.node().isBlank() && removal.instanceId() != null
                && !removal.instanceId().isBlank() && removal.result() != null;
    }

    boolean failed() {
        return result == Result.FAILED || result == Result.LEASE_LOST;
    }

    /** The outcome's result for these elements together. */
    static OutcomeResult resultOf(List<NodeRemoval> removals) {
        long removed = removals.stream().filter(r -> r.result() == Result.REMOVED).count();
        if (removed == removals.size()) {
            return OutcomeResult.SUCCEEDED;
        }
        if (removed > 0) {
            return OutcomeResult.PARTIAL;
        }
        if (removals.stream().anyMatch(NodeRemoval::failed)) {
            return OutcomeResult.FAILED;
        }
        return removals.stream().anyMatch(r -> r.result() == Result.ABORTED) ? OutcomeResult.ABORTED
                : OutcomeResult.PREEMPTED;
    }

    static int removedCount(List<NodeRemoval> removals) {
        return (int) removals.stream().filter(r -> r.result() == Result.REMOVED).count();
    }

    /** "; not removed: w-4 (aborted: …); w-5 (failed: …)", or nothing when every worker went. */
    static String notRemoved(List<NodeRemoval> removals) {
        String others = removals.stream().filter(r -> r.result() != Result.REMOVED)
                .map(r -> r.node() + " (" + r.result().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + ": " + r.reason() + ")")
                .collect(Collectors.joining("; "));
        return others.isEmpty() ? "" : "; not removed: " + others;
    }
}
