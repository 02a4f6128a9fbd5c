package dev.k3sautoscaler.decide;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.control.ExecutionInputRules;
import dev.k3sautoscaler.core.control.ValidateInputOutput;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.StepJson;
import java.util.Map;

/**
 * Step ValidateInput (Lambda {@code validate-input}): the first state of every actuation. Checks the
 * execution input against the documented contract (docs/operations-manual-controls.md) and answers
 * with the normalized request or every problem; the workflow then fails with
 * {@code InvalidExecutionInput} before taking the lock or changing anything. A bad input is an
 * answer, not an error of this step, so the Fail state's Cause is the list of problems.
 *
 * <p>Input: {@code {"execution": "...", "input": <the execution input, as given>}}.
 * Output: {@link ValidateInputOutput}, stored at {@code $.validation}; the later states pass
 * {@code $.validation.request} to the steps that take a {@link dev.k3sautoscaler.core.control.ControlRequest}. Environment: CLUSTER_ID and the configuration table (MAX_WORKERS
 * bounds a forced scale-up).
 */
public final class ValidateInputHandler extends JsonStepHandler<ValidateInputInput, ValidateInputOutput> {
    private final AutoscalerConfig config;

    public ValidateInputHandler() {
        this(System.getenv());
    }

    /** For tests and the simulator: any environment. */
    public ValidateInputHandler(Map<String, String> environment) {
        this(DecideHandler.Settings.from(environment));
    }

    private ValidateInputHandler(DecideHandler.Settings settings) {
        super(ValidateInputInput.class, "ValidateInput", settings.clusterId());
        this.config = settings.config();
    }

    /** Pure: prime the whole path with a valid scale request. */
    @Override
    protected String primingInput() {
        return """
                {"execution": "snapstart-priming", "input": {"trigger": "scale", "requestedBy": "snapstart-priming"}}""";
    }

    @Override
    protected ValidateInputOutput handle(ValidateInputInput input, Context context) {
        Object parsed = input.input() == null ? null : StepJson.MAPPER.convertValue(input.input(), Object.class);
        return ExecutionInputRules.validate(parsed, config.maxWorkers());
    }
}
