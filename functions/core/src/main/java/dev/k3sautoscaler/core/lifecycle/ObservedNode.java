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
 * @param drainedAt       when a scale-down (or rebalance retirement) holding our drain claim found it empty;
 *                        null otherwise
 */
public record ObservedNode(String name, String instanceId, boolean ready, Instant readyChangedAt, boolean controlPlane,
                           Instant drainedAt) {

    public ObservedNode {
        Objects.requireNonNull(name, "name");
    }

    public ObservedNode(String name, String instanceId, boolean ready, Instant readyChangedAt, boolean controlPlane) {
        this(name, instanceId, ready, readyChangedAt, controlPlane, null);
    }
}
