package dev.k3sautoscaler.core.lifecycle;

import java.time.Instant;
import java.util.Objects;

/**
 * One EC2 instance as the reconcile saw it, its tags already read into facts.
 *
 * @param launchTime   null when EC2 gave none (NOT_FOUND); an instance without one is never old enough to terminate
 * @param capacityType {@code on-demand} or {@code spot}; null when not found
 * @param managed      tagged {@code k3s-autoscaler/managed=true}
 * @param clusterTag   the value of {@code k3s-autoscaler/cluster}, null when absent
 * @param master       tagged {@code k3s-autoscaler/role=master}
 */
public record ObservedInstance(String instanceId, InstanceState state, Instant launchTime, String instanceType,
                               String availabilityZone, String capacityType, boolean managed, String clusterTag,
                               boolean master) {

    public ObservedInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(state, "state");
    }

    /** An id looked up explicitly that EC2 does not know (never launched, or terminated long enough ago to be forgotten). */
    public static ObservedInstance notFound(String instanceId) {
        return new ObservedInstance(instanceId, InstanceState.NOT_FOUND, null, null, null, null, false, null, false);
    }

    /** Tagged managed=true and cluster=this cluster, and not the master: the only instances the reconcile may act on. */
    public boolean ours(String clusterId) {
        return managed && clusterId.equals(clusterTag) && !master;
    }
}
