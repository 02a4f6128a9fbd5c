package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.core.fleet.FleetWording;
import dev.k3sautoscaler.core.fleet.LaunchOutcome;
import java.util.List;

/**
 * @param requested       the count asked for
 * @param launched        the instances started (pending), with where and when
 * @param failedOfferings offerings EC2 refused in this call, to remember until {@code until}
 * @param outcome         LAUNCHED (all), PARTIAL (fewer than asked; the rest had no capacity) or NONE
 *                        (not one: every offering refused or skipped; the workflow records the refused ones,
 *                        then fails with {@code dev.k3sautoscaler.errors.InsufficientCapacity})
 * @param reason          the same in words ({@code FleetWording})
 */
public record LaunchWorkersOutput(int requested, List<LaunchedWorker> launched, List<FailedOffering> failedOfferings,
                                  LaunchOutcome.Code outcome, String reason) {

    static LaunchWorkersOutput of(List<LaunchedWorker> launched, List<FailedOffering> failedOfferings,
                                  LaunchOutcome outcome) {
        return new LaunchWorkersOutput(outcome.requested(), List.copyOf(launched), List.copyOf(failedOfferings),
                outcome.code(), FleetWording.launch(outcome));
    }

    LaunchWorkersOutput replayed() {
        return new LaunchWorkersOutput(requested, launched, failedOfferings, outcome, FleetWording.replayed(reason));
    }
}
