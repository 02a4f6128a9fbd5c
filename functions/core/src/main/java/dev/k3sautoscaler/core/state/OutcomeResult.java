package dev.k3sautoscaler.core.state;

/** How a recorded step ended. */
public enum OutcomeResult {
    /** Everything asked for was done. */
    SUCCEEDED,
    /** Some of it was done (2 of 3 launched; 1 of 2 never joined): capacity changed and a failure counts. */
    PARTIAL,
    /** An error ended it; nothing changed (or what changed was rolled back). */
    FAILED,
    /**
     * Stopped on purpose and rolled back (a drain a PodDisruptionBudget kept past DRAIN_TIMEOUT_SEC,
     * capacity lost meanwhile → uncordon). An answer about that node, not a failure of the autoscaler:
     * the node is remembered as blocked instead, so the next scale-down chooses another one.
     */
    ABORTED,
    /**
     * Overtaken by something that outranks it: a Spot interruption took over the node a scale-down was
     * draining. Neither a failure nor our change of capacity.
     */
    PREEMPTED;

    public boolean countsAsFailure() {
        return this == PARTIAL || this == FAILED;
    }
}
