package dev.k3sautoscaler.simulator.report;

import dev.k3sautoscaler.simulator.report.RunTimeline.Execution;
import dev.k3sautoscaler.simulator.report.RunTimeline.Machine;
import java.time.Duration;
import java.util.List;

/**
 * Projects a run's executions to a month of control-plane cost (us-east-1 list prices; see
 * docs/decisions/simulator-control-plane-cost.md). Lambda compute (GB-seconds) is left out: at a
 * one-minute cadence it stays inside the 400,000 GB-s monthly free tier; requests are counted.
 */
public final class ControlPlanePricing {
    /** AWS prices by the 730-hour month. */
    public static final Duration MONTH = Duration.ofHours(730);
    static final double EXPRESS_PER_REQUEST_USD = 1.00 / 1_000_000;
    static final double EXPRESS_PER_GB_SECOND_USD = 0.00001667;
    /** Express bills at least 64 MB per execution; our executions carry a few KB of state. */
    static final double EXPRESS_MEMORY_GB = 64.0 / 1024.0;
    /** Express rounds each execution's duration up to the next 100 ms. */
    static final long EXPRESS_BILLING_INCREMENT_MILLIS = 100;
    static final double STANDARD_PER_TRANSITION_USD = 0.025 / 1000;
    static final double LAMBDA_PER_REQUEST_USD = 0.20 / 1_000_000;

    private ControlPlanePricing() {
    }

    /** Dollars per 730-hour month, by part. */
    public record Monthly(double expressUsd, double standardUsd, double lambdaRequestsUsd) {
        public double totalUsd() {
            return expressUsd + standardUsd + lambdaRequestsUsd;
        }
    }

    /** The cost of these executions, scaled from the run's length to a month. */
    public static Monthly project(List<Execution> executions, Duration runLength) {
        double express = 0;
        double standard = 0;
        double lambda = 0;
        for (Execution execution : executions) {
            if (execution.machine() == Machine.EXPRESS_TICK) {
                long billedMillis = roundUp(execution.duration().toMillis(), EXPRESS_BILLING_INCREMENT_MILLIS);
                express += EXPRESS_PER_REQUEST_USD + billedMillis / 1000.0 * EXPRESS_MEMORY_GB * EXPRESS_PER_GB_SECOND_USD;
            } else {
                standard += execution.stateTransitions() * STANDARD_PER_TRANSITION_USD;
            }
            lambda += execution.lambdaInvocations() * LAMBDA_PER_REQUEST_USD;
        }
        double scale = (double) MONTH.toSeconds() / runLength.toSeconds();
        return new Monthly(express * scale, standard * scale, lambda * scale);
    }

    private static long roundUp(long value, long increment) {
        return Math.max(increment, (value + increment - 1) / increment * increment);
    }
}
