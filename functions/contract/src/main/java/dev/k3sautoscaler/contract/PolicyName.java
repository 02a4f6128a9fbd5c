package dev.k3sautoscaler.contract;

import java.util.Optional;

/** SCALING_POLICY: which scaling policy Decide runs (Decide, CDK and the simulator read it). */
public enum PolicyName {
    /** Requests-aware bin packing with sustained thresholds. */
    DEFAULT,
    /** The source design's threshold rules, kept as the baseline the default is measured against. */
    SEED_BASELINE;

    /** {@code seed-baseline}: its value in SCALING_POLICY, the CDK props and {@code --policy}. */
    public String value() {
        return Names.valueOf(this);
    }

    public static Optional<PolicyName> parse(String value) {
        return Names.parse(PolicyName.class, value);
    }
}
