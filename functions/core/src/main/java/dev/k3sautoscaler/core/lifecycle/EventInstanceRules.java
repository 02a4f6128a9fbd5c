package dev.k3sautoscaler.core.lifecycle;

import dev.k3sautoscaler.core.lifecycle.EventInstanceVerdict.Kind;

/**
 * Whether the instance an EC2 Spot interruption or rebalance event names is this cluster's to act
 * on, before the tick starts an actuation for it. EventBridge delivers every such event of the
 * account and region, whatever instance it is about. The ownership is the one every termination
 * passes ({@link ObservedInstance#ours}: both tags, not the master); ownership is judged before
 * the state, so another cluster's terminated instance is named as theirs.
 */
public final class EventInstanceRules {
    private EventInstanceRules() {
    }

    public static EventInstanceVerdict identify(ObservedInstance instance, String clusterId) {
        return new EventInstanceVerdict(kind(instance, clusterId), instance, clusterId);
    }

    private static Kind kind(ObservedInstance instance, String clusterId) {
        if (instance.state() == InstanceState.NOT_FOUND) {
            return Kind.UNKNOWN_INSTANCE;
        }
        if (instance.clusterTag() != null && !clusterId.equals(instance.clusterTag())) {
            return Kind.OTHER_CLUSTER;
        }
        if (instance.master()) {
            return Kind.MASTER;
        }
        if (!instance.ours(clusterId)) {
            return Kind.NOT_MANAGED;
        }
        // Shutting-down still counts: its pods die with it, and a drain moves them now instead of
        // after the Node's NotReady grace.
        return instance.state() == InstanceState.TERMINATED ? Kind.ALREADY_TERMINATED : Kind.OURS;
    }
}
