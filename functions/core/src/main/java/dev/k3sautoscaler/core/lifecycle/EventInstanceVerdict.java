package dev.k3sautoscaler.core.lifecycle;

import java.util.Objects;

/**
 * Whose instance an EC2 Spot or rebalance event names, as a value; the words are made once, by
 * {@link #render()}, and tests assert the kind.
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

    /** One line for the console and the logs, e.g. "i-0abc belongs to cluster blue (k3s-autoscaler/cluster=blue), not to demo". */
    public String render() {
        String id = instance.instanceId();
        return switch (kind) {
            case OURS -> id + " is a worker of cluster " + clusterId + " (" + instance.state().ec2Name() + ")";
            case UNKNOWN_INSTANCE -> "EC2 knows no instance " + id + " in this account and region";
            case OTHER_CLUSTER -> id + " belongs to cluster " + instance.clusterTag() + " (k3s-autoscaler/cluster="
                    + instance.clusterTag() + "), not to " + clusterId;
            case MASTER -> id + " is a K3s master (k3s-autoscaler/role=master): the autoscaler never drains it";
            case NOT_MANAGED -> id + (instance.clusterTag() == null ? " has no k3s-autoscaler/cluster tag"
                    : " is not tagged k3s-autoscaler/managed=true") + ": not a worker the autoscaler launched";
            case ALREADY_TERMINATED -> id + " is already terminated: nothing left to drain (the reconcile deletes its Node)";
        };
    }
}
