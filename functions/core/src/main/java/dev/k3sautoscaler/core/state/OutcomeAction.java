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
    RESUME,
    /** An operator removed a stuck lease (break-lock); the reason names who broke it and the previous holder. */
    LOCK_BROKEN;

    /**
     * Recorded without the scaling lock, ordered by the state version: they must work while an
     * actuation holds it. LOCK_BROKEN is written only by the store's break-lock, never recorded.
     */
    public boolean lockless() {
        return this == SPOT_DRAIN || this == PAUSE || this == RESUME;
    }
}
