package dev.k3sautoscaler.core.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One thing the reconcile does, as a value: what, to which target, and why. {@link LifecycleWording}
 * words it; tests assert the kind and the reason.
 *
 * @param target          an instance id, or a Node name for {@link Kind#DELETE_NODE}
 * @param since           the moment the reason counts from: the launch, or the Ready condition's last change
 * @param joinTimeout     JOIN_TIMEOUT_SEC, named in the words
 * @param counterpart     the other side: the Node of an instance, the instance of a Node; null when there is none
 * @param instanceState   the instance's state where the reason rests on it; null otherwise
 */
public record ReconcileAction(Kind kind, String target, Reason reason, Instant since, Duration joinTimeout,
                              String counterpart, InstanceState instanceState) {

    public enum Kind {
        TERMINATE_INSTANCE, DELETE_NODE, ADOPT_LAUNCH, CLEAR_LAUNCH,
        /** A termination a rule asked for, held back: too many workers at once have no Ready Node (see ReconcileRules). */
        HOLD_TERMINATION,
        /** Our drain claim on a node given back (uncordoned): no execution can own it any more. */
        RELEASE_CLAIM;

        /** Terminations, Node deletions and released claims change the cluster; adoptions and clears only the bookkeeping. */
        public boolean changesCluster() {
            return this == TERMINATE_INSTANCE || this == DELETE_NODE || this == RELEASE_CLAIM;
        }
    }

    public enum Reason {
        /** A pending launch whose instance has a Ready Node. */
        JOINED,
        /** A pending launch not Ready JOIN_TIMEOUT_SEC after its launch. */
        NEVER_JOINED,
        /** A pending launch whose instance is shutting-down, terminated, or unknown to EC2 past JOIN_TIMEOUT_SEC. */
        LAUNCH_GONE,
        /** A young managed instance recorded nowhere: a crash between RunInstances and RecordLaunch. */
        UNTRACKED_LAUNCH,
        /** An old managed instance recorded nowhere and without a Node. */
        NO_NODE,
        /** A managed instance whose Node has been NotReady for JOIN_TIMEOUT_SEC or longer. */
        NODE_NOT_READY,
        /** A NotReady Node whose instance EC2 reports shutting-down, terminated or unknown: a ghost. */
        INSTANCE_GONE,
        /** A managed worker a scale-down drained (and left cordoned) but did not terminate: its termination failed. */
        DRAINED_NOT_TERMINATED,
        /** A scale-down's or rebalance's cordon older than any execution that could own it: a lease lost mid-drain. */
        STALE_DRAIN_CLAIM
    }

    public ReconcileAction {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(reason, "reason");
    }
}
