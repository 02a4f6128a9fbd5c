package dev.k3sautoscaler.core.state;

/** How a recorded step ended. */
public enum OutcomeResult {
    /** Everything asked for was done. */
    SUCCEEDED,
    /** Some of it was done (2 of 3 launched; 1 of 2 never joined): capacity changed and a failure counts. */
    PARTIAL,
    /** An error ended it; nothing changed (or what changed was rolled back). */
    FAILED,
    /** Stopped on purpose and rolled back (drain timeout → uncordon); counts as a failure so it is not retried at once. */
    ABORTED;

    public boolean countsAsFailure() {
        return this != SUCCEEDED;
    }
}
