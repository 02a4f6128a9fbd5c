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
 */
public record ObservedNode(String name, String instanceId, boolean ready, Instant readyChangedAt, boolean controlPlane) {

    public ObservedNode {
        Objects.requireNonNull(name, "name");
    }
}
