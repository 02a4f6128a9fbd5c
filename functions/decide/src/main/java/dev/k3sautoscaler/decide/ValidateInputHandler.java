package dev.k3sautoscaler.decide;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.control.ExecutionInputRules;
import dev.k3sautoscaler.core.control.InputValidation;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;
import java.util.Map;

/**
 * Step ValidateInput (Lambda {@code validate-input}): the first state of every actuation. Checks the
 * execution input against the documented contract (docs/operations-manual-controls.md) and answers
 * with the normalized request or every problem; the workflow then fails with
 * {@code InvalidExecutionInput} before taking the lock or changing anything. A bad input is an
 * answer, not an error of this step, so the Fail state's Cause is the list of problems.
 *
 * <p>Input: {@code {"execution": "...", "input": <the execution input, as given>}}.
 * Output: {@link InputValidation}, stored at {@code $.validation}; the later states pass
 * {@code $.validation.request} to the steps that take a {@link dev.k3sautoscaler.core.control.ControlRequest}. Environment: CLUSTER_ID and the configuration table (MAX_WORKERS
 * bounds a forced scale-up).
 */
public final class ValidateInputHandler extends JsonStepHandler<ValidateInputHandler.Input, InputValidation> {
    private final AutoscalerConfig config;

    /** @param input the execution input, any JSON (a non-object is reported as a problem) */
    public record Input(String execution, JsonNode input) implements Validatable {
        @Override
        public List<String> validationProblems() {
            return InputCheck.start().required("execution", execution).problems();
        }
    }

    public ValidateInputHandler() {
        this(System.getenv());
    }

    /** For tests and the simulator: any environment. */
    public ValidateInputHandler(Map<String, String> environment) {
        this(DecideHandler.Settings.from(environment));
    }

    private ValidateInputHandler(DecideHandler.Settings settings) {
        super(Input.class, "ValidateInput", settings.clusterId());
        this.config = settings.config();
    }

    /** Pure: prime the whole path with a valid scale request. */
    @Override
    protected String primingInput() {
        return """
                {"execution": "snapstart-priming", "input": {"trigger": "scale", "requestedBy": "snapstart-priming"}}""";
    }

    @Override
    protected InputValidation handle(Input input, Context context) {
        Object parsed = input.input() == null ? null : StepJson.MAPPER.convertValue(input.input(), Object.class);
        return ExecutionInputRules.validate(parsed, config.maxWorkers());
    }
}
