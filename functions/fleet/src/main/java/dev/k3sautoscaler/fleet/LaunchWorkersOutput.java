package dev.k3sautoscaler.fleet;

import java.util.List;

/**
 * @param requested       the count asked for
 * @param launched        the instances started (pending), with where and when
 * @param failedOfferings offerings EC2 refused in this call, to remember until {@code until}
 * @param outcome         LAUNCHED (all) or PARTIAL (fewer than asked; the rest had no capacity).
 *                        None at all ends the step with {@code dev.k3sautoscaler.errors.InsufficientCapacity}.
 */
public record LaunchWorkersOutput(int requested, List<LaunchedWorker> launched, List<FailedOffering> failedOfferings,
                                  Outcome outcome, String reason) {
    public enum Outcome { LAUNCHED, PARTIAL }

    LaunchWorkersOutput replayed() {
        return new LaunchWorkersOutput(requested, launched, failedOfferings, outcome, reason + FleetIdempotency.REPLAYED);
    }
}
