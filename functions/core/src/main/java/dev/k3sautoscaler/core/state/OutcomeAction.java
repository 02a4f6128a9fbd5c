package dev.k3sautoscaler.core.state;

/** What a recorded step did. Each action touches its own part of the state (see {@link OutcomeRules}). */
public enum OutcomeAction {
    /** Instances were launched (or the launch failed). Recorded right after Launch, with the pending launches. */
    SCALE_UP,
    /**
     * The join check after a launch, made after the lock is released: pending launches joined, or
     * were not Ready by JOIN_TIMEOUT_SEC (the reconcile terminates those).
     */
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
    LOCK_BROKEN,
    /**
     * The tick's reconcile of EC2, Nodes and state: launches adopted (a crash before RecordLaunch),
     * joined or gone launches cleared, never-joined instances terminated, ghost Nodes deleted.
     */
    RECONCILE,
    /**
     * An execution found its lease taken by another (it was paused or slow past LOCK_TTL_SEC): it
     * stopped before any further side effect. Written to the event log only; the state is the new holder's.
     */
    LEASE_LOST,
    /**
     * The tick's per-node scale-down timers changed (a worker became unneeded, or stopped being so):
     * only the timers are written, and only on such a change, so a quiet tick writes nothing.
     */
    UNNEEDED;

    /**
     * Recorded without the scaling lock, ordered by the state version: they must work while an
     * actuation holds it, or come after the actuation released it (the join check), or from no
     * actuation at all (the reconcile), or from one whose lease is gone. LOCK_BROKEN is written only
     * by the store's break-lock, never recorded.
     */
    public boolean lockless() {
        return switch (this) {
            case SPOT_DRAIN, PAUSE, RESUME, JOIN_CHECK, RECONCILE, LEASE_LOST, UNNEEDED -> true;
            case SCALE_UP, SCALE_DOWN, NOOP, LOCK_BROKEN -> false;
        };
    }
}
