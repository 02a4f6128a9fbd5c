package dev.k3sautoscaler.core.scaledown;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why we cordoned a node: the owner of its drain claim. A claim of higher rank takes the node over
 * (a Spot interruption outranks a rebalance retirement, which outranks a scale-down); the lower one
 * then stops as preempted and never uncordons what is no longer its own.
 */
public enum DrainPurpose {
    SCALE_DOWN("scale-down"),
    REBALANCE("rebalance"),
    SPOT_INTERRUPTION("spot-interruption");

    private final String value;

    DrainPurpose(String value) {
        this.value = value;
    }

    /** The value written on the node and given to the kube steps, e.g. {@code spot-interruption}. */
    public String value() {
        return value;
    }

    /** True when a drain for {@code other} may take over a node this purpose claimed. */
    public boolean yieldsTo(DrainPurpose other) {
        return other.ordinal() > ordinal();
    }

    /** The EC2 instance is going away whatever we do: voluntary-disruption rules give way. */
    public boolean interruption() {
        return this == SPOT_INTERRUPTION;
    }

    public static Optional<DrainPurpose> fromValue(String value) {
        return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
    }

    /**
     * The purpose a claim annotation names. A node tainted by an earlier version carries no purpose
     * annotation: only scale-downs cordoned nodes under the lock then, so that is what it is.
     */
    public static DrainPurpose ofClaim(String annotation) {
        return annotation == null ? SCALE_DOWN : fromValue(annotation).orElse(SCALE_DOWN);
    }
}
