package dev.k3sautoscaler.metrics;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.time.Instant;
import java.util.List;

/**
 * Input of the CollectMetrics step.
 *
 * @param execution the Step Functions execution name ({@code "execution.$": "$$.Execution.Name"})
 * @param at        evaluate the metrics as of this instant (replays, the simulator); omitted means now
 */
public record CollectMetricsInput(String execution, Instant at) implements Validatable {
    @Override
    public List<String> validationProblems() {
        return InputCheck.start().required("execution", execution).problems();
    }
}
