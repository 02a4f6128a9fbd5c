package dev.k3sautoscaler.core.report;

import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.ScalingAction;

/** What a decision adds to or saves from the bill, in the decision's own line. */
public final class DecisionPricing {
    private DecisionPricing() {
    }

    /** Positive for a scale-up, negative for a scale-down, 0 for NOOP (USD per hour). */
    public static double costChangeUsdPerHour(Decision decision, WorkerPrice price) {
        return switch (decision.action()) {
            case SCALE_UP -> price.perHour(decision.count());
            case SCALE_DOWN -> -price.perHour(decision.count());
            case NOOP -> 0;
        };
    }

    /** The decision's line with the dollars: "…; adds $0.0624/hour (≈ $45.55/month)". */
    public static String reason(Decision decision, WorkerPrice price) {
        return decision.reason() + money(decision.action(), decision.count(), price);
    }

    /** "; adds …" / "; saves …", or nothing for NOOP. */
    public static String money(ScalingAction action, int count, WorkerPrice price) {
        return switch (action) {
            case SCALE_UP -> "; " + price.adds(count);
            case SCALE_DOWN -> "; " + price.saves(count);
            case NOOP -> "";
        };
    }
}
