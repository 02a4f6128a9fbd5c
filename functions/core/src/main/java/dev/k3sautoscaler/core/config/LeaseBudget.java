package dev.k3sautoscaler.core.config;

import dev.k3sautoscaler.contract.Step;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How long the scaling lease must last. Every step that acts on the outside world under the lock
 * (RunInstances, TerminateInstances, cordon, evictions, Node deletion) first checks its lease on the
 * state table and extends it to now + LOCK_TTL_SEC; its side effect then lands at the latest when
 * that attempt ends, which its Lambda timeout bounds. So the lease is live for every side effect
 * exactly when LOCK_TTL_SEC is longer than the longest single attempt of such a step, plus the
 * clock skew between Lambdas. Retries do not add up: each attempt checks again, and one whose lease
 * another execution took ends {@code LockLost} before acting.
 *
 * <p>The Lambda timeouts are the step catalogue's, which the CDK stack deploys.
 */
public final class LeaseBudget {
    /** Lambda clocks agree to within this (they are NTP-synchronised; this is a generous bound). */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    /** A step that checks its lease right before acting under the lock, with its Lambda timeout. */
    public record LeasedStep(String stateName, Duration lambdaTimeout) {
    }

    /** Every step that acts under the lock, from the step catalogue; the ASL passes each its lease (checked by a test that reads the ASL). */
    public static final List<LeasedStep> LEASED_STEPS = Step.leasedSteps()
            .map(step -> new LeasedStep(step.stateName(), step.timeout())).toList();

    /** Recording the outcome and releasing the lock after a drain stops, each with its retries. */
    static final Duration DRAIN_WIND_DOWN = Duration.ofMinutes(5);

    private LeaseBudget() {
    }

    /**
     * The age past which no execution can still own a scale-down's or rebalance's drain claim: its
     * drain stops at DRAIN_TIMEOUT_SEC after the claim, a lease that outlived that expires LOCK_TTL_SEC
     * after its last renewal, and the wind-down covers the uncordon, record and release that follow.
     */
    public static Duration drainClaimOutlived(AutoscalerConfig config) {
        return config.drainTimeout().plus(config.lockTtl()).plus(DRAIN_WIND_DOWN);
    }

    /** The step whose single attempt lasts longest: the one the lease must outlast. */
    public static LeasedStep longest() {
        return LEASED_STEPS.stream().max(Comparator.comparing(LeasedStep::lambdaTimeout)).orElseThrow();
    }

    /** The shortest lease that outlasts every leased step's attempt. */
    public static Duration minimumLockTtl() {
        return longest().lambdaTimeout().plus(CLOCK_SKEW);
    }

    /** Why this lease is too short, naming the step that could outlive it; empty when it is long enough. */
    public static Optional<String> problem(Duration lockTtl) {
        if (lockTtl.compareTo(minimumLockTtl()) >= 0) {
            return Optional.empty();
        }
        LeasedStep longest = longest();
        return Optional.of("LOCK_TTL_SEC=" + lockTtl.toSeconds() + " is shorter than " + longest.stateName()
                + " can run after checking its lease (" + longest.lambdaTimeout().toSeconds() + " s, its Lambda timeout, + "
                + CLOCK_SKEW.toSeconds() + " s clock skew): its side effect could land after the lease expired and another"
                + " execution took the lock; use at least " + minimumLockTtl().toSeconds());
    }
}
