package dev.k3sautoscaler.core.state;

/** What a recorded step did. Each action touches its own part of the state (see {@link OutcomeRules}). */
public enum OutcomeAction {
    /** Instances were launched (or the launch failed). Recorded right after Launch, with the pending launches. */
    SCALE_UP,
    /** The join check after a launch: pending launches joined, or never joined and were terminated. */
    JOIN_CHECK,
    /** A worker was cordoned, drained and terminated (or the drain was aborted). */
    SCALE_DOWN,
    /** A Spot interruption or rebalance drain; runs without the scaling lock and touches no cooldown. */
    SPOT_DRAIN,
    /** The re-decision under the lock found nothing to do. */
    NOOP,
    /** An operator paused scaling; the reason is kept and shown until RESUME. */
    PAUSE,
    /** An operator resumed scaling; the failure backoff starts over. */
    RESUME
}
