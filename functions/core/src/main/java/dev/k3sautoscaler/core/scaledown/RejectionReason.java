package dev.k3sautoscaler.core.scaledown;

import java.util.List;

/**
 * Why a node was not chosen for removal, as facts with a stable {@link Code};
 * {@link ScaleDownWording} words it.
 */
public sealed interface RejectionReason {

    Code code();

    enum Code {
        CONTROL_PLANE, NOT_MANAGED, NO_PROVIDER_ID, OWNERSHIP_UNKNOWN, NOT_OURS_IN_EC2, SCALE_DOWN_DISABLED,
        DELETING, DRAINING_FOR_OTHER, CORDONED_BY_SOMEONE_ELSE, PASSED_OVER, BLOCKING_PODS, PODS_WOULD_NOT_FIT,
        CONSTRAINT_NOT_MODELLED, NOT_PREFERRED
    }

    /** A rule of the node alone, with no fact beyond the node's name. */
    record NodeRule(Code code) implements RejectionReason {
        private static final List<Code> FACTLESS = List.of(Code.CONTROL_PLANE, Code.NOT_MANAGED, Code.NO_PROVIDER_ID,
                Code.SCALE_DOWN_DISABLED, Code.DELETING, Code.CORDONED_BY_SOMEONE_ELSE);

        public NodeRule {
            if (!FACTLESS.contains(code)) {
                throw new IllegalArgumentException(code + " carries facts: use its own record");
            }
        }
    }

    /** @param why why EC2 could not be read */
    record OwnershipUnknown(String instanceId, String why) implements RejectionReason {
        public Code code() { return Code.OWNERSHIP_UNKNOWN; }
    }

    record NotOursInEc2(String instanceId) implements RejectionReason {
        public Code code() { return Code.NOT_OURS_IN_EC2; }
    }

    record DrainingForOther(DrainPurpose claim) implements RejectionReason {
        public Code code() { return Code.DRAINING_FOR_OTHER; }
    }

    /** @param why the recorded reason the last scale-down of it could not finish, with its end */
    record PassedOver(String why) implements RejectionReason {
        public Code code() { return Code.PASSED_OVER; }
    }

    record BlockingPods(List<PodVerdict> blocking) implements RejectionReason {
        public BlockingPods {
            blocking = List.copyOf(blocking);
        }

        public Code code() { return Code.BLOCKING_PODS; }
    }

    /** @param unplaced the first pod, largest first, that finds no room on the other workers */
    record PodsWouldNotFit(PodView unplaced) implements RejectionReason {
        public Code code() { return Code.PODS_WOULD_NOT_FIT; }
    }

    /** @param constraint the pod's scheduling constraint the fit simulation does not model */
    record ConstraintNotModelled(PodView pod, String constraint) implements RejectionReason {
        public Code code() { return Code.CONSTRAINT_NOT_MODELLED; }
    }

    record NotPreferred(String preferred, int evictable, int preferredEvictable) implements RejectionReason {
        public Code code() { return Code.NOT_PREFERRED; }
    }
}
