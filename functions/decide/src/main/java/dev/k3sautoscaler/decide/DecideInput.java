package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.FleetView;
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
 * @param request   optional: the actuation's validated input; a force-scale-up/-down is decided by
 *                  {@link dev.k3sautoscaler.core.control.ManualDecisions}, everything else by the policy
 * @param fleet     ReconcileWorkers' view of what EC2 bills ({@code $.reconcile.fleet}); absent or
 *                  unobserved when EC2 could not be read (MAX_WORKERS then counts Nodes and recorded launches)
 * @param loaded    the tick only: LoadState's output, for the lock. With it, Decide also says what to tell
 *                  the cluster ({@link DecideOutput#report}); the actuation, under its own lock, leaves it out
 */
public record DecideInput(String execution, ClusterMetrics metrics, ScalingState state, ControlRequest request,
                          FleetView fleet, LockSeen loaded)
        implements Validatable {

    public DecideInput {
        fleet = fleet == null ? FleetView.unobserved("not observed: no fleet view in the input") : fleet;
    }

    public DecideInput(String execution, ClusterMetrics metrics, ScalingState state) {
        this(execution, metrics, state, null, null, null);
    }

    public DecideInput(String execution, ClusterMetrics metrics, ScalingState state, ControlRequest request,
                       FleetView fleet) {
        this(execution, metrics, state, request, fleet, null);
    }

    @Override
    public List<String> validationProblems() {
        return InputCheck.start()
                .required("execution", execution)
                .required("metrics", metrics)
                .required("state", state)
                .problems();
    }
}
