package dev.k3sautoscaler.state;

import java.util.Map;
import java.util.Objects;

/**
 * The fence in front of every side effect made under the scaling lock (RunInstances,
 * TerminateInstances, cordon, eviction, Node deletion): immediately before the outside call, the
 * step proves its lease is still the current one and extends it by LOCK_TTL_SEC, in one
 * conditional write. An execution that was paused, throttled or retried past its lease, and whose
 * lock another execution took meanwhile, ends {@code LockLost} here — before acting, never after.
 *
 * <p>Why a renewal and not a read: the write both checks (owner and fencing token) and starts a
 * full lease, so the side effect that follows runs under a live lease for as long as one attempt
 * of the step can last (its Lambda timeout), which the configuration checks is shorter than
 * LOCK_TTL_SEC. An expired lease that nobody took is still safe to extend: its token proves no one
 * else acquired in between.
 */
public final class LeaseFence {
    private final ScalingLease lease;

    public LeaseFence(ScalingLease lease) {
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    private LeaseFence() {
        this.lease = null;
    }

    /**
     * A fence without a state table, for handlers built only for the lockless paths (tests of the
     * Spot drain): a lease given to it is a wiring error and fails loudly rather than going unchecked.
     */
    public static LeaseFence locklessOnly() {
        return new LeaseFence();
    }

    /** For Lambda: the state table from the environment (STATE_TABLE, EVENT_LOG_TABLE, LOCK_TTL_SEC). */
    public static LeaseFence fromEnvironment(Map<String, String> environment) {
        return new LeaseFence(new ScalingLease(StateAccess.fromEnvironment(environment)));
    }

    /**
     * @param held the caller's lease; null on the paths that run without the lock by design
     *             (Spot interruption drains): nothing to check there
     * @throws dev.k3sautoscaler.errors.LockLost when another execution acquired the lock since
     */
    public void confirm(Lease held) {
        if (held == null) {
            return;
        }
        if (lease == null) {
            throw new IllegalStateException("a lease was given to a step built without the state table: it cannot be checked");
        }
        lease.renew(held);
    }
}
