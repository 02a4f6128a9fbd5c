package dev.k3sautoscaler.core.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One thing the reconcile does, as a value: what, to which target, and why. The words are made
 * once, by {@link #render()}; tests assert the kind and the reason.
 *
 * @param target          an instance id, or a Node name for {@link Kind#DELETE_NODE}
 * @param since           the moment the reason counts from: the launch, or the Ready condition's last change
 * @param joinTimeout     JOIN_TIMEOUT_SEC, named in the words
 * @param counterpart     the other side: the Node of an instance, the instance of a Node; null when there is none
 * @param instanceState   the instance's state where the reason rests on it; null otherwise
 */
public record ReconcileAction(Kind kind, String target, Reason reason, Instant since, Duration joinTimeout,
                              String counterpart, InstanceState instanceState) {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

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

    /** One line for the operator, e.g. "terminated i-0abc: launched 10:02:11, no Ready Node after JOIN_TIMEOUT_SEC=600 s". */
    public String render() {
        String verb = switch (kind) {
            case TERMINATE_INSTANCE -> "terminated " + target;
            case DELETE_NODE -> "deleted Node " + target;
            case ADOPT_LAUNCH -> "adopted " + target + " as a pending launch";
            case CLEAR_LAUNCH -> "cleared pending launch " + target;
            case HOLD_TERMINATION -> "left " + target + " running (too many workers without a Ready Node at once:"
                    + " a cluster-wide fault, not lost machines)";
            case RELEASE_CLAIM -> "uncordoned Node " + target;
        };
        String timeout = "JOIN_TIMEOUT_SEC=" + joinTimeout.toSeconds() + " s";
        String why = switch (reason) {
            case JOINED -> "joined as Node " + counterpart + " (Ready)";
            case NEVER_JOINED -> "launched " + at(since) + ", no Ready Node after " + timeout
                    + (instanceState != null && kind == Kind.CLEAR_LAUNCH && !instanceState.alive()
                    ? " (the instance is " + instanceState.ec2Name() + ")" : "");
            case LAUNCH_GONE -> instanceState == InstanceState.NOT_FOUND
                    ? "unknown to EC2 " + timeout + " after its launch at " + at(since)
                    : "EC2 reports it " + instanceState.ec2Name();
            case UNTRACKED_LAUNCH -> "launched " + at(since) + " but recorded nowhere (a crash before RecordLaunch)";
            case NO_NODE -> "launched " + at(since) + ", recorded nowhere and no Node after " + timeout;
            case NODE_NOT_READY -> "its Node " + counterpart + " NotReady since " + at(since) + ", past " + timeout;
            case INSTANCE_GONE -> "NotReady and its instance " + counterpart + " is "
                    + (instanceState == InstanceState.NOT_FOUND ? "unknown to EC2" : instanceState.ec2Name());
            case STALE_DRAIN_CLAIM -> "cordoned for a drain at " + at(since) + " that no execution owns any more"
                    + " (its lease was lost mid-drain)";
            case DRAINED_NOT_TERMINATED -> (kind == Kind.DELETE_NODE ? "its instance " : "its Node ") + counterpart
                    + " was drained by a scale-down at " + at(since) + " and left cordoned: the termination that"
                    + " should have followed failed";
        };
        return verb + ": " + why;
    }

    private static String at(Instant instant) {
        return instant == null ? "(unknown)" : CLOCK.format(instant);
    }
}
