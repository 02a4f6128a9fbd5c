package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.core.fleet.FleetWording;
import dev.k3sautoscaler.core.fleet.TerminateOutcome;
import java.util.List;

/**
 * @param terminated  ids this call asked EC2 to terminate (now shutting-down)
 * @param alreadyGone ids already shutting-down, terminated or unknown to EC2: done, nothing to do
 * @param reason      what was done, in words ({@code FleetWording})
 * @param outcome     the same as a code: TERMINATING or NOTHING_TO_TERMINATE
 */
public record TerminateWorkersOutput(List<String> terminated, List<String> alreadyGone, String reason,
                                     TerminateOutcome.Code outcome) {

    static TerminateWorkersOutput of(List<String> terminated, List<String> alreadyGone) {
        TerminateOutcome outcome = terminated.isEmpty() ? new TerminateOutcome.NothingToTerminate(alreadyGone)
                : new TerminateOutcome.Terminating(terminated, alreadyGone);
        return new TerminateWorkersOutput(List.copyOf(terminated), List.copyOf(alreadyGone),
                FleetWording.terminate(outcome), outcome.code());
    }

    TerminateWorkersOutput replayed() {
        return new TerminateWorkersOutput(terminated, alreadyGone, FleetWording.replayed(reason), outcome);
    }
}
