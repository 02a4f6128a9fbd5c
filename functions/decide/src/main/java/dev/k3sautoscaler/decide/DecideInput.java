package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Input of the Decide step.
 *
 * @param execution the Step Functions execution name
 * @param metrics   CollectMetrics' output ({@code $.metrics}); its extra {@code reason} is ignored
 * @param state     the scaling state: LoadState's in the tick, AcquireLock's (under the lock) in the actuation
 */
public record DecideInput(String execution, ClusterMetrics metrics, ScalingState state) implements Validatable {
    @Override
    public List<String> validationProblems() {
        return InputCheck.start()
                .required("execution", execution)
                .required("metrics", metrics)
                .required("state", state)
                .problems();
    }
}
