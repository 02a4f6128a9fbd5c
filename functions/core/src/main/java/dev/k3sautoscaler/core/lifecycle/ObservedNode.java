package dev.k3sautoscaler.core.lifecycle;

import java.time.Instant;
import java.util.Objects;

/**
 * One Kubernetes Node as the reconcile saw it.
 *
 * @param instanceId      from {@code spec.providerID}; null when the Node has none (it is then left alone)
 * @param ready           the Ready condition is True
 * @param readyChangedAt  the Ready condition's {@code lastTransitionTime}; null when the Node reported none
 * @param controlPlane    labelled control-plane or master: never touched
 * @param claim           our drain claim on the node (who cordoned it, since when, drained when); null when none
 */
public record ObservedNode(String name, String instanceId, boolean ready, Instant readyChangedAt, boolean controlPlane,
                           Claim claim) {

    /**
     * @param purpose   {@code scale-down}, {@code rebalance} or {@code spot-interruption}
     * @param claimedAt when the claim was taken; null when unknown (a node tainted by an earlier version)
     * @param drainedAt when a scale-down or rebalance retirement found the node empty; null otherwise
     */
    public record Claim(String purpose, Instant claimedAt, Instant drainedAt) {
        /** A voluntary drain's claim (scale-down, rebalance): an interruption's is the Spot path's own business. */
        public boolean voluntary() {
            return !"spot-interruption".equals(purpose);
        }
    }

    public ObservedNode {
        Objects.requireNonNull(name, "name");
    }

    public ObservedNode(String name, String instanceId, boolean ready, Instant readyChangedAt, boolean controlPlane) {
        this(name, instanceId, ready, readyChangedAt, controlPlane, null);
    }

    /** When a voluntary drain of ours found this node empty, or null. */
    public Instant drainedAt() {
        return claim != null && claim.voluntary() ? claim.drainedAt() : null;
    }
}
