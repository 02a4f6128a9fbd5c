package dev.k3sautoscaler.core.lifecycle;

import java.util.Objects;

/**
 * Whose instance an EC2 Spot or rebalance event names, as a value; {@link LifecycleWording} words
 * it, and tests assert the kind.
 *
 * @param instance  the instance as EC2 describes it ({@link InstanceState#NOT_FOUND} when it does not)
 * @param clusterId this cluster, named in the words
 */
public record EventInstanceVerdict(Kind kind, ObservedInstance instance, String clusterId) {

    public enum Kind {
        /** A managed worker of this cluster that is not gone: the event's actuation starts. */
        OURS,
        /** EC2 does not know the id (never launched here, or terminated long enough ago to be forgotten). */
        UNKNOWN_INSTANCE,
        /** Tagged for another cluster: its own autoscaler handles the event. */
        OTHER_CLUSTER,
        /** The K3s master: never drained, replaced or terminated by the autoscaler. */
        MASTER,
        /** Without the cluster tag or the managed tag: not launched by the autoscaler. */
        NOT_MANAGED,
        /** Our worker, already terminated: nothing left to drain. */
        ALREADY_TERMINATED
    }

    public EventInstanceVerdict {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(instance, "instance");
    }

    /** Only then does the event start an actuation. */
    public boolean ours() {
        return kind == Kind.OURS;
    }
}
