package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * @param trigger   optional: why the action was decided (the Decide step's trigger), the Trigger
 *                  dimension of ScaleUpEvents / ScaleDownEvents
 * @param startedAt optional: when the actuation started; a scale-down's DrainDuration and a notice's
 *                  duration are measured from it
 * @param request   optional: the validated execution input (ValidateInput's {@code request}), for the notice
 * @param decision  optional: the decision ({@code $.decision}), for the notice's worker counts
 * @param basis     optional: the state read earlier in the execution (LoadState's version and state), written
 *                  against without reading the item again while no one has written it since
 */
public record RecordOutcomeInput(String execution, Lease lease, Outcome outcome, String trigger, java.time.Instant startedAt,
                    ControlRequest request, DecisionSummary decision, StateBasis basis)
        implements Validatable {
    @Override
    public List<String> validationProblems() {
        List<String> problems = new ArrayList<>(InputCheck.start()
                .required("execution", execution)
                .required("outcome", outcome)
                .problems());
        if (outcome != null) {
            problems.addAll(outcome.problems());
        }
        boolean lockless = outcome != null && outcome.action() != null && outcome.action().lockless() && lease == null;
        if (!lockless) {
            problems.addAll(Lease.problems("lease", lease));
        }
        problems.addAll(StateBasis.problems("basis", basis));
        return problems;
    }
}
